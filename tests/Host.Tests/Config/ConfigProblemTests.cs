using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

public class ConfigProblemTests
{
    [Theory]
    [InlineData(7, "web", "max_retries", "key 'max_retries': bad", "/c.toml:7: program 'web': key 'max_retries': bad")]
    [InlineData(3, null, null, "syntax error: oops", "/c.toml:3: syntax error: oops")]
    [InlineData(null, null, null, "cannot read the configuration file: file not found",
        "/c.toml: cannot read the configuration file: file not found")]
    [InlineData(null, "web", null, "something", "/c.toml: program 'web': something")]
    public void ToString_renders_one_line(int? line, string? program, string? key, string message, string expected) =>
        Assert.Equal(expected, new ConfigProblem("/c.toml", line, program, key, message).ToString());
}
