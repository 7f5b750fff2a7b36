using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KrustPm.Host.Tests.EndToEnd;

/// <summary>
/// <c>krust-pm top</c> in a real pseudo-terminal (Python's pty, 80 columns) and in a pipe: the live view on the
/// alternate screen with keys that sort and quit, and the plain table once when piped.
/// </summary>
public sealed partial class TopEndToEndTests(PublishedKrustPm krustPm) : IDisposable
{
    private static readonly string Driver = Path.Combine(PublishedKrustPm.RepositoryRoot, "tests", "Host.Tests", "EndToEnd", "Tools", "pty-top.py");

    private readonly string _folder = Directory.CreateTempSubdirectory("krust-top-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task At_a_terminal_it_is_a_live_view_that_m_sorts_by_memory_and_q_quits_and_piped_it_prints_once()
    {
        var config = Path.Combine(_folder, "krust-pm.toml");
        await File.WriteAllTextAsync(config, """
            server-port = "127.0.0.1:{port}"
            sample_interval_ms = 200
            [small]
            command = "sleep 300"
            [large]
            command = "python3 -c 'import time; b = bytearray(48 << 20); time.sleep(300)'"
            """, TestContext.Current.CancellationToken);
        await using var krust = KrustPmProcess.Start(krustPm.Executable, config);
        await krust.WaitForAsync(p => p.EnumerateArray().All(program => program.GetProperty("instances")[0].GetProperty("status").GetString() == "Running"));

        var info = new ProcessStartInfo("python3") { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Driver);
        info.ArgumentList.Add(krustPm.Executable);
        using var driver = Process.Start(info)!;
        var screen = await driver.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await driver.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.EndsWith("exit 0\n", screen, StringComparison.Ordinal);
        Assert.Contains("\u001b[?1049h", screen, StringComparison.Ordinal); // the alternate screen, entered...
        Assert.Contains("\u001b[?1049l", screen, StringComparison.Ordinal); // ...and left: the shell comes back as it was
        var text = Escapes().Replace(screen, string.Empty);
        Assert.Contains("sorted by CPU", text, StringComparison.Ordinal);
        var byMemory = text[text.LastIndexOf("sorted by memory", StringComparison.Ordinal)..];
        Assert.True(byMemory.IndexOf("large", StringComparison.Ordinal) < byMemory.IndexOf("small", StringComparison.Ordinal), byMemory);
        Assert.All(text.Split('\n').Where(l => l.Contains('│', StringComparison.Ordinal)), line => Assert.True(line.TrimEnd().Length <= 80, line));

        var (exit, plain) = await KrustPmProcess.RunToExitAsync(krustPm.Executable, _folder, "top", "--sort", "mem");
        Assert.Equal(0, exit);
        var lines = plain.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^2 program\\(s\\), 2 of 2 instance\\(s\\) running, CPU [0-9.]+%, MEM [0-9.]+[KMG]$", lines[0]);
        Assert.Equal(["NAME", "ID", "STATUS", "PID", "CPU", "MEM", "PROCS", "THR", "FDS", "UPTIME"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("large ", lines[2], StringComparison.Ordinal);
        Assert.Equal(0, await krust.TerminateAsync());
    }

    [GeneratedRegex("\u001b\\[[0-9;?]*[a-zA-Z]")]
    private static partial Regex Escapes();
}
