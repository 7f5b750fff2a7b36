using System.Text;
using KrustPm.Host.Resources;

namespace KrustPm.Host.Tests.Resources;

/// <summary><c>/proc/PID/stat</c> as krust-pm reads it: fields counted from the last ')', whatever the command name holds.</summary>
public class ProcStatTests
{
    [Fact]
    public void Fields_are_counted_from_the_last_parenthesis_of_the_command_name()
    {
        // A command name with spaces and parentheses, as a program may set it (prctl PR_SET_NAME).
        const string Line = "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 75 3 2 20 0 7 0 123456 10000000 2560 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

        var stat = ProcStat.Parse(Encoding.ASCII.GetBytes(Line));

        Assert.Equal(new ProcStat(Session: 4242, CpuTicks: 325, ReapedChildrenTicks: 5, Threads: 7, ResidentPages: 2560, StartTicks: 123456), stat);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 (cut")]
    [InlineData("4242 (short) S 1 2 3")]
    [InlineData("4242 (bad) S 1 x 4242 0 -1 4194560 500 0 0 0 250 75 3 2 20 0 7 0 123456 10000000 2560 0")]
    public void Anything_else_is_no_stat(string text)
    {
        Assert.Null(ProcStat.Parse(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void This_process_reads_as_itself()
    {
        var stat = ProcStat.Read(Environment.ProcessId, new byte[1024]);

        Assert.NotNull(stat);
        Assert.True(stat.Value.Threads >= 1 && stat.Value.ResidentPages > 0 && stat.Value.StartTicks > 0);
        Assert.Null(ProcStat.Read(int.MaxValue, new byte[1024])); // no such process
    }
}
