using System.Text;
using KrustPm.Host.Resources;

namespace KrustPm.Host.Tests.Resources;

/// <summary>The CPU time of an instance's cgroup, read from its <c>cpu.stat</c>.</summary>
public sealed class CgroupCpuTests
{
    [Theory]
    [InlineData("usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n", 1.5)]
    [InlineData("usage_usec 0\n", 0.0)]
    [InlineData("usage_usec 250", 0.00025)]
    [InlineData("user_usec 1\nsystem_usec 2\n", null)]
    [InlineData("xusage_usec 5\n", null)]
    [InlineData("usage_usec many\n", null)]
    public void Usage_is_the_usage_usec_line_in_seconds(string text, double? seconds) =>
        Assert.Equal(seconds, CgroupCpu.Parse(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void A_cgroup_that_is_gone_has_no_usage() =>
        Assert.Null(CgroupCpu.UsageSeconds("/sys/fs/cgroup/no-such-cgroup-of-krust-pm"));
}
