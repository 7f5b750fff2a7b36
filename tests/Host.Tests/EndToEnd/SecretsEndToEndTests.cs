using System.Collections;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// What of krust-pm's own environment reaches its programs, seen by the published binary's programs printing their
/// environment: everything krust-pm was started with, but never its API token.
/// </summary>
public sealed class SecretsEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private const string EnvironmentToken = "token-from-KRUST_PM_TOKEN-0123";
    private const string ConfigVariable = "KRUST_E2E_API_SECRET";
    private const string ConfigToken = "token-from-auth_token-env-4567";

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-e2e-secrets-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Programs_get_the_environment_krust_pm_was_started_with_minus_its_tokens_unless_their_env_sets_one()
    {
        var asRoot = Environment.UserName == "root"; // switching users needs root
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, $$"""
            server-port = "127.0.0.1:{port}"
            auth_token = "env:{{ConfigVariable}}"

            [plain]
            command = "env -0"
            restart = "never"

            [explicit]
            command = "env -0"
            restart = "never"
            env = { KRUST_PM_TOKEN = "given-on-purpose" }
            {{(asRoot ? "\n[nobody]\ncommand = \"env -0\"\nrestart = \"never\"\nuser = \"nobody\"\n" : string.Empty)}}
            """, Token);
        var given = new Dictionary<string, string?> { ["KRUST_PM_TOKEN"] = EnvironmentToken, [ConfigVariable] = ConfigToken };

        await using var krust = KrustPmProcess.Start(krustPm.Executable, config, given);
        krust.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EnvironmentToken);
        var programs = asRoot ? 3 : 2;
        await krust.WaitForAsync(p => p.GetArrayLength() == programs && p.EnumerateArray().All(AllDone));

        // What krust-pm itself was started with: this process's environment and the two tokens.
        var started = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);
        started["KRUST_PM_TOKEN"] = EnvironmentToken;
        started[ConfigVariable] = ConfigToken;
        var expected = started.Where(e => e.Key is not ("KRUST_PM_TOKEN" or ConfigVariable)).ToDictionary(StringComparer.Ordinal);
        // ... and the instance's own variables, which krust-pm gives every instance.
        expected["KRUST_PM_PROGRAM"] = "plain";
        expected["KRUST_PM_INSTANCE"] = "0";
        expected["KRUST_PM_INDEX"] = "0";
        expected["PWD"] = Path.GetDirectoryName(config)!; // the folder it starts in, not krust-pm's

        Assert.Equal(expected.OrderBy(e => e.Key), (await PrintedAsync("plain")).OrderBy(e => e.Key));
        var explicitly = await PrintedAsync("explicit");
        Assert.Equal("given-on-purpose", explicitly["KRUST_PM_TOKEN"]);
        Assert.False(explicitly.ContainsKey(ConfigVariable));
        if (asRoot)
        {
            var nobody = await PrintedAsync("nobody");
            Assert.Equal("nobody", nobody["USER"]);
            Assert.DoesNotContain(nobody.Keys, name => name is "KRUST_PM_TOKEN" or ConfigVariable);
        }

        Assert.Equal(0, await krust.TerminateAsync());
    }

    private static bool AllDone(JsonElement program) =>
        program.GetProperty("instances").EnumerateArray().All(i => i.GetProperty("status").GetString() == "Done");

    /// <summary>
    /// The variables a program printed with <c>env -0</c>: after krust-pm's start marker line, up to the NUL that ends
    /// the last of them (krust-pm's exit marker line may follow).
    /// </summary>
    private async Task<Dictionary<string, string>> PrintedAsync(string program)
    {
        var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(Path.Combine(_folder, "logs", $"{program}.0.stdout.log"), Token));
        Assert.StartsWith($"--- krust-pm: {program}.0 try 1 started", text, StringComparison.Ordinal);
        var start = text.IndexOf('\n', StringComparison.Ordinal) + 1;
        var end = text.LastIndexOf('\0');
        Assert.True(end >= start, text);
        Assert.DoesNotContain("--- krust-pm: ", text[start..end], StringComparison.Ordinal);
        var variables = text[start..end].Split('\0');
        return variables.Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1], StringComparer.Ordinal);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
