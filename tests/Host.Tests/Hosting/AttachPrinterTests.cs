using KrustPm.Engine;
using KrustPm.Engine.Logs;
using KrustPm.Host.Config;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Tests.Hosting;

/// <summary>Foreground mode's colours: one per program, in the file's order, and a new one for a program a reload adds.</summary>
public sealed class AttachPrinterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("krust-attach-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_program_added_by_a_reload_gets_the_next_colour_not_the_first_programs()
    {
        using var store = new OutputStore(_folder);
        var config = new KrustConfig(Path.Combine(_folder, "krust-pm.toml"), ServerAddress.Default, [Spec("web"), Spec("db")]);
        using var printer = new AttachPrinter(store, config, TextWriter.Null, colour: true);

        string[] first = ["added", "web", "db"];
        var lines = first.Select(name => printer.Format(name, 0, OutputKind.Stdout, "line")).ToList();

        Assert.Equal(
            ["\u001b[32madded.0 |\u001b[0m line\u001b[0m", "\u001b[36mweb.0 |\u001b[0m line\u001b[0m", "\u001b[33mdb.0 |\u001b[0m line\u001b[0m"],
            lines);
    }

    private static ProgramSpec Spec(string name) => new(name, "x", ["x"]);
}
