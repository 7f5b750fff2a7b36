using System.CommandLine;
using KrustPm.Host.Import;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm import supervisord|pm2 FILE [--out F] [--force]</c>: translates another process manager's
/// configuration into a commented krust-pm.toml, on stdout or into <c>--out</c> (never over an existing file without
/// <c>--force</c>). A file that cannot be read or translated is one located line and exit 2.
/// </summary>
internal static class ImportCommand
{
    public static void Add(RootCommand root)
    {
        var import = new Command("import", "Translate a supervisord.conf or a PM2 ecosystem file into a krust-pm.toml (see docs/migrating.md).");
        import.Subcommands.Add(Tool("supervisord", "supervisord's INI configuration, with the files its [include] names.", "supervisord", SupervisordImport.Translate));
        import.Subcommands.Add(Tool("pm2", "A PM2 ecosystem file in JSON or YAML (ecosystem.config.js: turn it into JSON with node first).", "PM2", Pm2Import.Translate));
        root.Subcommands.Add(import);
    }

    private static Command Tool(string name, string description, string tool, Func<string, ImportResult> translate)
    {
        var file = new Argument<string>("FILE") { Description = "The file to translate." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the krust-pm.toml there instead of stdout.", HelpName = "FILE" };
        var force = new Option<bool>("--force") { Description = "Replace the --out file when it exists." };
        var command = new Command(name, description) { file, output, force };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(file)!, parse.GetValue(output), parse.GetValue(force), tool, translate));
        return command;
    }

    private static async Task<int> RunAsync(string file, string? output, bool force, string tool, Func<string, ImportResult> translate)
    {
        ImportResult result;
        try
        {
            result = translate(file);
        }
        catch (ImportException error)
        {
            await Console.Error.WriteLineAsync($"krust-pm: {error.Located}");
            await Console.Error.WriteLineAsync("krust-pm: nothing was written.");
            return KrustPmCommandLine.ExitUsage;
        }

        var toml = result.ToToml(tool);
        if (output is null)
        {
            await Console.Out.WriteAsync(toml);
            return KrustPmCommandLine.ExitOk;
        }

        var target = Path.GetFullPath(output);
        try
        {
            await using (var stream = new FileStream(target, force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(toml);
            }
        }
        catch (IOException) when (!force && File.Exists(target))
        {
            await Console.Error.WriteLineAsync($"krust-pm: {target} exists; nothing was written (--force replaces it).");
            return KrustPmCommandLine.ExitUsage;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"krust-pm: cannot write {target}: {error.Message}");
            return KrustPmCommandLine.ExitFailed;
        }

        await Console.Error.WriteLineAsync(
            $"krust-pm: wrote {target}: {result.Programs.Count} program(s), {result.NotTranslatedCount} setting(s) not translated "
                + $"(the '# not translated:' lines); check it with: krust-pm check -c {output}");
        return KrustPmCommandLine.ExitOk;
    }
}
