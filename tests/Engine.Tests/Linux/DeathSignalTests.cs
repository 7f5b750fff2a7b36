using System.Diagnostics;
using System.Runtime.InteropServices;
using KrustPm.Engine.Linux;
using KrustPm.Tests.Shared;

namespace KrustPm.Engine.Tests.Linux;

/// <summary>
/// death-signal, the tiny static program in front of a run that must die with krust-pm: the program it execs is
/// killed when its parent exits, keeps its arguments and environment, and a program it cannot execute exits 127.
/// And both helpers are what their sources assemble to.
/// </summary>
public sealed class DeathSignalTests
{
    [Fact]
    public async Task The_program_it_execs_dies_when_its_parent_exits()
    {
        Assert.Equal(RuntimeInformation.ProcessArchitecture == Architecture.X64, DeathSignal.Path is not null); // never setpriv by accident
        var marker = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // A copy on disk: krust-pm's memfd is close-on-exec, so only a direct child of this process could exec it, and
        // that child's parent would be this test process. Here the parent is a shell that starts it, says its pid, and
        // exits once its stdin closes.
        var folder = Directory.CreateTempSubdirectory("krust-death-").FullName;
        var copy = Path.Combine(folder, "death-signal");
        await File.WriteAllBytesAsync(copy, DeathSignal.Elf, Token);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var info = new ProcessStartInfo("/bin/sh", ["-c", "\"$@\" & echo $!; read -r line", "sh", copy, "/bin/sleep", marker])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        try
        {
            using var parent = Process.Start(info)!;
            var pid = int.Parse((await parent.StandardOutput.ReadLineAsync(Token))!, System.Globalization.CultureInfo.InvariantCulture);
            await Eventually.Assert(() => ProcFs.NameOf(pid) == "sleep", "the program runs");

            parent.StandardInput.Close();
            await parent.WaitForExitAsync(Token);

            await Eventually.Assert(() => !ProcFs.IsAlive(pid), "the program died with its parent");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task It_passes_the_arguments_and_environment_on_and_a_program_it_cannot_execute_exits_127()
    {
        if (DeathSignal.Path is null)
        {
            Assert.Skip("death-signal runs on x86-64 only; elsewhere setpriv does its work");
        }

        var (exitCode, stdout, _) = await CommandRun.RunAsync([DeathSignal.Path!, "/bin/sh", "-c", "echo \"$0|$1|$GREETING\"", "zero", "one two"], ("GREETING", "hello"));
        var (missingCode, _, missingError) = await CommandRun.RunAsync([DeathSignal.Path!, "/nonexistent/program"]);

        Assert.Equal(0, exitCode);
        Assert.Equal("zero|one two|hello\n", stdout);
        Assert.Equal(127, missingCode);
        Assert.NotEqual(string.Empty, missingError.Trim());
    }

    [Theory]
    [InlineData("cgroup-enter")]
    [InlineData("death-signal")]
    public async Task Each_helper_is_what_its_source_assembles_to(string name)
    {
        if (!File.Exists("/usr/bin/as") || !File.Exists("/usr/bin/ld"))
        {
            Assert.Skip("binutils (as, ld) are not installed here");
        }

        var folder = Directory.CreateTempSubdirectory("krust-helper-").FullName;
        try
        {
            var source = Path.Combine(Root(), "src", "KrustPm.Engine", "Linux", $"{name}.S");
            var (asCode, _, asError) = await CommandRun.RunAsync(["/usr/bin/as", "--64", "-o", Path.Combine(folder, "h.o"), source]);
            Assert.True(asCode == 0, asError);
            var (ldCode, _, ldError) = await CommandRun.RunAsync(["/usr/bin/ld", "-n", "-s", "--build-id=none", "-z", "noexecstack", "-o", Path.Combine(folder, name), Path.Combine(folder, "h.o")]);
            Assert.True(ldCode == 0, ldError);

            Assert.Equal(name == "cgroup-enter" ? CgroupEnter.Elf : DeathSignal.Elf, await File.ReadAllBytesAsync(Path.Combine(folder, name), Token));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Root()
    {
        var folder = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(folder, "KrustPm.slnx")))
        {
            folder = Path.GetDirectoryName(folder)!;
        }

        return folder;
    }
}
