using System.CommandLine;
using KrustPm.Host.Config;
using KrustPm.Host.Export;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm export systemd|compose|kubernetes</c>: the configuration's programs as artefacts of another engine (see
/// docs/export.md). Settings the target has no equivalent for are comments in the files and lines on stderr.
/// </summary>
internal static class ExportCommand
{
    public static void Add(RootCommand root, Option<string?> configOption)
    {
        var target = new Argument<string>("TARGET") { Description = "systemd (template units and a target), compose (compose.yaml) or kubernetes (a Deployment or Job per program, Services)." };
        target.AcceptOnlyFromAmong("systemd", "compose", "kubernetes");
        var outOption = new Option<string?>("--out") { Description = "The folder to write the files into (created if missing). Default: print them on stdout.", HelpName = "DIR" };
        var appOption = new Option<string?>("--app") { Description = "The application's name: unit name prefix, Compose project name, Kubernetes name prefix and part-of label. Default: the config file's folder name.", HelpName = "NAME" };
        var imageOption = new Option<string?>("--image") { Description = "compose: the container image every service runs (required); kubernetes: the image of the programs without an image key. The commands must exist in it.", HelpName = "IMAGE" };
        var export = new Command("export", "Write the programs as systemd units, a Compose file or Kubernetes manifests, from the same configuration; nothing is started.")
        {
            target, outOption, appOption, imageOption,
        };
        export.SetAction((parse, _) => RunAsync(
            parse.GetValue(target)!, parse.GetValue(configOption), parse.GetValue(outOption), parse.GetValue(appOption), parse.GetValue(imageOption)));
        root.Subcommands.Add(export);
    }

    private static async Task<int> RunAsync(string target, string? explicitConfig, string? outFolder, string? app, string? image)
    {
        var kind = target switch
        {
            "systemd" => ExportTarget.Systemd,
            "compose" => ExportTarget.Compose,
            _ => ExportTarget.Kubernetes,
        };
        if (kind == ExportTarget.Compose && string.IsNullOrWhiteSpace(image))
        {
            await Console.Error.WriteLineAsync("krust-pm: export compose needs --image IMAGE: the container image the services run (their commands must exist in it).");
            return KrustPmCommandLine.ExitUsage;
        }

        if (app is not null && ExportNames.Sanitize(app) != app)
        {
            await Console.Error.WriteLineAsync($"krust-pm: --app '{app}': use lower case letters, digits and dashes only (e.g. '{ExportNames.Sanitize(app)}').");
            return KrustPmCommandLine.ExitUsage;
        }

        var location = ConfigLocator.Locate(explicitConfig, Environment.CurrentDirectory);
        if (await StartChecks.LoadWithWarningsAsync(location, "nothing was exported") is not { Config: { } config })
        {
            return KrustPmCommandLine.ExitUsage;
        }

        app ??= ExportNames.DefaultApp(config.Path);
        var result = kind switch
        {
            ExportTarget.Systemd => SystemdExporter.Export(config, app),
            ExportTarget.Compose => ComposeExporter.Export(config, app, image!),
            _ => KubernetesExporter.Export(config, app, string.IsNullOrWhiteSpace(image) ? null : image),
        };
        if (!result.Errors.IsEmpty)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync($"krust-pm: export {target}: {error}");
            }

            await Console.Error.WriteLineAsync($"krust-pm: export {target}: nothing was exported.");
            return KrustPmCommandLine.ExitUsage;
        }

        foreach (var line in result.Unmapped)
        {
            await Console.Error.WriteLineAsync($"krust-pm: export {target}: not carried over: {line}");
        }

        return outFolder is null ? await PrintAsync(result) : await WriteAsync(result, outFolder);
    }

    private static async Task<int> PrintAsync(ExportResult result)
    {
        foreach (var file in result.Files)
        {
            if (result.Files.Length > 1)
            {
                await Console.Out.WriteLineAsync($"# ---- {file.Name} ----");
            }

            await Console.Out.WriteAsync(file.Text);
        }

        return KrustPmCommandLine.ExitOk;
    }

    private static async Task<int> WriteAsync(ExportResult result, string outFolder)
    {
        try
        {
            Directory.CreateDirectory(outFolder);
            foreach (var file in result.Files)
            {
                var path = Path.Combine(outFolder, file.Name);
                await File.WriteAllTextAsync(path, file.Text);
                await Console.Out.WriteLineAsync(path);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"krust-pm: cannot write into {outFolder}: {error.Message}; the export is incomplete.");
            return KrustPmCommandLine.ExitFailed;
        }

        return KrustPmCommandLine.ExitOk;
    }
}
