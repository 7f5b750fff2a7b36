using System.CommandLine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm schema [--out FILE]</c>: the JSON Schema of krust-pm.toml, for editors and <c>taplo check</c> (a file
/// points to it with a first line <c>#:schema ./krust-pm.schema.json</c>).
/// </summary>
internal static class SchemaCommand
{
    public static void Add(RootCommand root)
    {
        var outOption = new Option<string?>("--out") { Description = "Write the schema to this file instead of stdout.", HelpName = "FILE" };
        var schema = new Command("schema", "Print the JSON Schema of krust-pm.toml (for taplo and TOML editors: add '#:schema ./krust-pm.schema.json' as the file's first line).")
        {
            outOption,
        };
        schema.SetAction((parse, _) => RunAsync(parse.GetValue(outOption)));
        root.Subcommands.Add(schema);
    }

    private static async Task<int> RunAsync(string? outFile)
    {
        var text = ConfigSchema.Text();
        if (outFile is null)
        {
            await Console.Out.WriteAsync(text);
            return 0;
        }

        try
        {
            await File.WriteAllTextAsync(outFile, text);
            return 0;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"krust-pm: --out {outFile}: {error.Message}");
            return KrustPmCommandLine.ExitUsage;
        }
    }
}
