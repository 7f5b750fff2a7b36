using KrustPm.Engine;
using KrustPm.Host.Config;

namespace KrustPm.Host.Tests.Config;

/// <summary>
/// The settings of issue 17: autostart, success_exit_codes, stop_signal_target, port_base, groups, umask, nice,
/// rlimits, stdout_log/stderr_log, merge_stderr, log_timestamps and log = "inherit".
/// </summary>
public sealed class ConfigLoaderSettingsTests
{
    private const string ConfigPath = "/cfg/krust-pm.toml";

    [Fact]
    public void Settings_have_their_documented_defaults()
    {
        var spec = Valid("[web]\ncommand = \"x\"\n").Programs[0];

        Assert.True(spec.Autostart);
        Assert.Equal([0], spec.SuccessExitCodes);
        Assert.Equal(SignalTarget.Group, spec.StopSignalTarget);
        Assert.Null(spec.PortBase);
        Assert.Empty(spec.Groups);
        Assert.Equal(ProcessSettings.Default, spec.Process);
        Assert.Equal((false, null, null, false, false), (spec.Log.Inherit, spec.Log.StdoutPath, spec.Log.StderrPath, spec.Log.MergeStderr, spec.Log.Timestamps));
    }

    [Fact]
    public void Settings_are_read()
    {
        var spec = Valid("""
            [web]
            command = "x"
            instances = 2
            max_instances = 4
            autostart = false
            success_exit_codes = [0, 2]
            stop_signal_target = "main"
            port_base = 8000
            groups = ["web", "front_1"]
            umask = "027"
            nice = -5
            stdout_log = "logs/{program}.{id}.out"
            stderr_log = "/var/log/web-{index}.err"
            log_timestamps = true
            """).Programs[0];

        Assert.False(spec.Autostart);
        Assert.Equal([0, 2], spec.SuccessExitCodes);
        Assert.Equal(SignalTarget.Main, spec.StopSignalTarget);
        Assert.Equal(8000, spec.PortBase);
        Assert.Equal(["web", "front_1"], spec.Groups);
        Assert.Equal((0b000_010_111, -5), (spec.Process.Umask, spec.Process.Nice));
        Assert.Equal(("/cfg/logs/{program}.{id}.out", "/var/log/web-{index}.err"), (spec.Log.StdoutPath, spec.Log.StderrPath));
        Assert.True(spec.Log.Timestamps);
    }

    [Theory]
    [InlineData("umask = \"022\"", 18)]
    [InlineData("umask = \"0\"", 0)]
    [InlineData("umask = \"0777\"", 511)]
    [InlineData("umask = 0o022", 18)]
    [InlineData("umask = 0", 0)]
    public void Umask_is_octal(string line, int umask) =>
        Assert.Equal(umask, Valid($"[web]\ncommand = \"x\"\n{line}\n").Programs[0].Process.Umask);

    [Fact]
    public void Log_inherit_and_merge_stderr_are_read()
    {
        var config = Valid("[a]\ncommand = \"x\"\nlog = \"inherit\"\n[b]\ncommand = \"x\"\nmerge_stderr = true\n");

        Assert.True(config.Programs[0].Log.Inherit);
        Assert.True(config.Programs[0].Log.Enabled);
        Assert.True(config.Programs[1].Log.MergeStderr);
    }

    [Fact]
    public void Rlimits_take_one_value_a_soft_and_hard_pair_unlimited_and_sizes_in_every_table_form()
    {
        var config = Valid("""
            [a]
            command = "x"
            rlimits = { nofile = 65536, core = 0, nproc = { soft = 1024, hard = 4096 }, stack = "unlimited", as = "1G" }

            [b]
            command = "x"
            rlimits.nofile = 1024

            [c]
            command = "x"

            [c.rlimits]
            memlock = { soft = "64K", hard = "unlimited" }
            """);

        Assert.Equal(
            new Dictionary<string, ResourceLimit>
            {
                ["as"] = new(1UL << 30, 1UL << 30), ["core"] = new(0, 0), ["nofile"] = new(65536, 65536),
                ["nproc"] = new(1024, 4096), ["stack"] = new(ResourceLimit.Unlimited, ResourceLimit.Unlimited),
            },
            config.Programs[0].Process.Limits);
        Assert.Equal(new ResourceLimit(1024, 1024), config.Programs[1].Process.Limits["nofile"]);
        Assert.Equal(new ResourceLimit(65536, ResourceLimit.Unlimited), config.Programs[2].Process.Limits["memlock"]);
    }

    [Theory]
    [InlineData("autostart = \"no\"", "key 'autostart': expected true or false, got string \"no\"")]
    [InlineData("success_exit_codes = 0", "key 'success_exit_codes': expected a non-empty array of exit codes such as [0, 2], got integer 0")]
    [InlineData("success_exit_codes = []", "key 'success_exit_codes': expected a non-empty array of exit codes such as [0, 2]")]
    [InlineData("success_exit_codes = [0, 256]", "key 'success_exit_codes': item 2: expected an exit code from 0 to 255, got 256")]
    [InlineData("success_exit_codes = [1, 1]", "key 'success_exit_codes': item 2: 1 is listed twice")]
    [InlineData("stop_signal_target = \"parent\"", "key 'stop_signal_target': expected \"group\" or \"main\", got string \"parent\"")]
    [InlineData("port_base = 0", "key 'port_base': expected a port from 1 to 65535, got 0")]
    [InlineData("port_base = 65535", "key 'port_base': 65535 + max_instances (2) would give ports beyond 65535")]
    [InlineData("groups = \"web\"", "key 'groups': expected an array of group names such as [\"web\"], got string \"web\"")]
    [InlineData("groups = [\"-web\"]", "key 'groups': item 1: invalid group name '-web': a name must start with a letter, a digit or '_'")]
    [InlineData("groups = [\"web\", \"web\"]", "key 'groups': item 2: 'web' is listed twice")]
    [InlineData("umask = 22", "key 'umask': expected octal digits as a string such as \"022\", or an octal integer such as 0o022 (at most 0o777), got integer 22 (a decimal number is ambiguous here)")]
    [InlineData("umask = \"028\"", "key 'umask': expected octal digits as a string such as \"022\"")]
    [InlineData("umask = \"1000\"", "key 'umask': expected at most 0o777, got 0o1000")]
    [InlineData("nice = 20", "key 'nice': expected an integer from -20 (most favoured) to 19, got 20")]
    [InlineData("rlimits = 5", "key 'rlimits': expected a table of limits such as { nofile = 65536, core = 0 }, got integer 5")]
    [InlineData("rlimits = { nofiles = 5 }", "unknown limit 'nofiles' (did you mean 'nofile'?); the limits are as, core, cpu")]
    [InlineData("rlimits = { nofile = -1 }", "key 'rlimits.nofile': expected a non-negative integer or \"unlimited\", got integer -1")]
    [InlineData("rlimits = { nofile = \"1K\" }", "key 'rlimits.nofile': expected a non-negative integer or \"unlimited\", got string \"1K\"")]
    [InlineData("rlimits = { core = \"1Q\" }", "key 'rlimits.core': invalid size \"1Q\"")]
    [InlineData("rlimits = { nofile = { soft = 10, hard = 5 } }", "key 'rlimits.nofile': the soft limit is above the hard limit")]
    [InlineData("rlimits = { nofile = { soft = 10 } }", "key 'rlimits.nofile': expected both 'soft' and 'hard'")]
    [InlineData("stdout_log = 1", "key 'stdout_log': expected a file path string such as \"/var/log/web/{program}.{id}.log\", got integer 1")]
    [InlineData("stderr_log = \"logs/\"", "key 'stderr_log': expected a file path, got the folder \"logs/\"")]
    [InlineData("merge_stderr = 1", "key 'merge_stderr': expected true or false, got integer 1")]
    [InlineData("log_timestamps = \"yes\"", "key 'log_timestamps': expected true or false, got string \"yes\"")]
    [InlineData("log = \"inherited\"", "key 'log': expected true, false or \"inherit\", got string \"inherited\"")]
    [InlineData("cpu_max = \"half\"", "key 'cpu_max': expected a percentage of one CPU as a string such as \"50%\" (half a CPU) or \"200%\" (two), got string \"half\"")]
    [InlineData("cpu_max = 50", "key 'cpu_max': expected a percentage of one CPU as a string such as \"50%\" (half a CPU) or \"200%\" (two), got integer 50")]
    [InlineData("cpu_max = \"0%\"", "key 'cpu_max': expected a percentage of one CPU from 1% to 100000%, got 0%")]
    [InlineData("memory_max = \"10K\"", "key 'memory_max': expected at least 1M (a program cannot start in less), got 10240 bytes")]
    [InlineData("memory_max = \"lots\"", "key 'memory_max': invalid size \"lots\"")]
    [InlineData("pids_max = 0", "key 'pids_max': expected a positive integer, got 0")]
    public void Bad_settings_are_located_errors(string line, string message)
    {
        var result = ConfigLoader.Parse($"[web]\ncommand = \"x\"\nmax_instances = 2\n{line}\n", ConfigPath);

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith($"{ConfigPath}:4: program 'web': {message}", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_need_cgroup_containment_each_a_located_error_when_it_is_off_and_are_read_when_it_is_on()
    {
        const string Program = "[web]\ncommand = \"x\"\nmemory_max = \"256M\"\ncpu_max = \"150%\"\npids_max = 64\n";

        var off = ConfigLoader.Parse("cgroup = \"off\"\n" + Program, ConfigPath).Problems.Select(p => p.ToString()).ToList();
        var on = Valid(Program); // "auto", the default

        Assert.Equal(3, off.Count);
        Assert.StartsWith($"{ConfigPath}:4: program 'web': key 'memory_max': needs krust-pm's cgroup containment, which is off: set cgroup = \"auto\"", off[0], StringComparison.Ordinal);
        Assert.StartsWith($"{ConfigPath}:6: program 'web': key 'pids_max': needs", off[2], StringComparison.Ordinal);
        var web = on.Programs[0].Process;
        Assert.Equal((256L << 20, 150, 64L), (web.MemoryMax, web.CpuMax, web.PidsMax));
    }

    [Theory]
    [InlineData("merge_stderr = true\nstderr_log = \"e.log\"", 5, "key 'stderr_log': has no effect with merge_stderr = true")]
    [InlineData("ready_log_line = \"up\"\nlog = \"inherit\"", 4, "key 'ready_log_line': needs captured output, but log = \"inherit\"")]
    public void Settings_that_contradict_each_other_are_located_errors(string lines, int line, string message)
    {
        var problem = Assert.Single(ConfigLoader.Parse($"[web]\ncommand = \"x\"\nmax_instances = 2\n{lines}\n", ConfigPath).Problems);

        Assert.StartsWith($"{ConfigPath}:{line}: program 'web': {message}", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("command = \"app --port {prot}\"", 2, "key 'command': unknown placeholder {prot}")]
    [InlineData("args = [\"ok\", \"{index\"]", 4, "key 'args': item 2: placeholder {index is not closed")]
    [InlineData("args = [\"--port={port}\"]", 4, "key 'args': item 1: placeholder {port} needs port_base")]
    [InlineData("stdout_log = \"logs/{nope}.log\"", 4, "key 'stdout_log': unknown placeholder {nope}")]
    [InlineData("env = { NAME = \"web-{idx}\" }", 4, "key 'env': variable NAME: unknown placeholder {idx}")]
    public void Bad_placeholders_are_located_errors(string line, int lineNumber, string message)
    {
        var text = line.StartsWith("command", StringComparison.Ordinal)
            ? $"[web]\n{line}\nmax_instances = 2\n"
            : $"[web]\ncommand = \"x\"\nmax_instances = 2\n{line}\n";

        var problem = Assert.Single(ConfigLoader.Parse(text, ConfigPath).Problems);

        Assert.StartsWith($"{ConfigPath}:{lineNumber}: program 'web': {message}", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Placeholders_and_text_in_braces_that_is_no_placeholder_are_accepted()
    {
        var spec = Valid("""
            [web]
            command = "gunicorn -b 127.0.0.1:{port} --name {program}-{index}"
            args = ["{print $1}", "{{literal}}"]
            port_base = 8000
            stdout_log = "logs/{program}.{id}.log"
            env = { WORKER = "w{index}" }
            """).Programs[0];

        Assert.Equal(["gunicorn", "-b", "127.0.0.1:{port}", "--name", "{program}-{index}", "{print $1}", "{{literal}}"], spec.Argv);
        Assert.Equal("w{index}", spec.Environment["WORKER"]);
    }

    [Fact]
    public void A_misspelt_setting_gets_a_suggestion()
    {
        var problem = Assert.Single(ConfigLoader.Parse("[web]\ncommand = \"x\"\nauto_start = false\n", ConfigPath).Problems);

        Assert.Equal($"{ConfigPath}:3: program 'web': unknown key 'auto_start' (did you mean 'autostart'?)", problem.ToString());
    }

    [Theory]
    [InlineData("stdout_log = \"out.log\"")]
    [InlineData("stderr_log = \"err.log\"")]
    [InlineData("merge_stderr = true")]
    [InlineData("log_timestamps = true")]
    [InlineData("log = \"inherit\"")]
    public void The_log_settings_are_applied_and_load_without_a_warning(string line)
    {
        var result = ConfigLoader.Parse($"[web]\ncommand = \"x\"\n{line}\n", ConfigPath);

        Assert.Empty(result.Problems);
        Assert.DoesNotContain(result.Warnings, w => w.ToString().Contains("line 3", StringComparison.Ordinal) || w.ToString().Contains("krust-pm.toml:3:", StringComparison.Ordinal));
    }

    private static KrustConfig Valid(string text)
    {
        var result = ConfigLoader.Parse(text, ConfigPath);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config;
    }
}
