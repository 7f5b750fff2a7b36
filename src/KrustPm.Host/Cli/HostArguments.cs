namespace KrustPm.Host.Cli;

/// <summary>
/// Separates the generic-host settings a test host passes as <c>--key=value</c> (application name, environment,
/// content root) from krust-pm's own command line, which rejects anything it does not know.
/// </summary>
internal static class HostArguments
{
    private static readonly string[] HostKeys = ["--applicationName=", "--environment=", "--contentRoot="];

    public static (string[] CommandLine, string[] Host) Split(string[] args)
    {
        var host = args.Where(IsHostSetting).ToArray();
        var commandLine = args.Where(a => !IsHostSetting(a)).ToArray();
        return (commandLine, host);
    }

    private static bool IsHostSetting(string argument) =>
        HostKeys.Any(key => argument.StartsWith(key, StringComparison.OrdinalIgnoreCase));
}
