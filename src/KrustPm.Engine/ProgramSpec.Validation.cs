using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace KrustPm.Engine;

/// <summary>
/// The one place where the rules of a specification live: the engine refuses a spec that breaks one
/// (<see cref="ProcessEngine.LoadAsync"/>), and a configuration reader places each problem on the line of its key.
/// </summary>
public sealed partial record ProgramSpec
{
    /// <summary>The highest port <see cref="PortBase"/> may give an instance.</summary>
    public const int MaxPort = 65535;

    /// <summary>The largest <see cref="ProcessSettings.Umask"/> (<c>0o777</c>).</summary>
    public const int MaxUmask = 511;

    /// <summary>The smallest <see cref="ProcessSettings.MemoryMax"/>: 1 MiB.</summary>
    public const long MinMemoryMax = 1024 * 1024;

    /// <summary>The largest <see cref="ProcessSettings.CpuMax"/>: 100,000 % (1,000 CPUs).</summary>
    public const int MaxCpuMax = 100_000;

    /// <summary>Every rule of a specification this one breaks, in the order the documentation lists the keys.</summary>
    /// <returns>The problems, each naming its key; empty when the specification can be supervised.</returns>
    public ImmutableArray<SpecProblem> Validate()
    {
        var problems = ImmutableArray.CreateBuilder<SpecProblem>();
        if (ProgramRules.NameProblem(Name) is { } name)
        {
            problems.Add(new("name", $"invalid program name {ProgramRules.Quote(Name)}: {name}"));
        }

        ValidateCommand(problems);
        ValidateCounts(problems);
        ValidateDurations(problems);
        ValidateEnvironment(problems);
        ValidateProcess(problems);
        ValidateExits(problems);
        ValidateLogs(problems);
        ValidateProbe(problems, "readiness", Readiness);
        ValidateProbe(problems, "liveness", Liveness);
        return problems.ToImmutable();
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Milliseconds(TimeSpan value) => $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms";

    private bool HasPortBase => PortBase is not null;

    private void ValidateCommand(ImmutableArray<SpecProblem>.Builder problems)
    {
        if (Argv.IsDefaultOrEmpty)
        {
            problems.Add(new("command", "missing: a program needs a command"));
            return;
        }

        if (Argv[0].Length == 0)
        {
            problems.Add(new("command", "the program to run (the first word) is empty", 0));
        }

        for (var i = 0; i < Argv.Length; i++)
        {
            foreach (var problem in TextProblems(Argv[i]))
            {
                problems.Add(new("command", problem, i));
            }
        }

        if (User is { } user && (user.Length == 0 || user.Any(char.IsWhiteSpace) || ProgramRules.OsStringProblem(user) is not null))
        {
            problems.Add(new("user", ProgramRules.OsStringProblem(user) ?? $"expected a user name, got \"{user}\""));
        }

        if (WorkingDirectory is { } directory)
        {
            foreach (var problem in TextProblems(directory))
            {
                problems.Add(new("workdir", problem));
            }
        }
    }

    private void ValidateCounts(ImmutableArray<SpecProblem>.Builder problems)
    {
        if (Instances < 0)
        {
            problems.Add(new("instances", $"expected a non-negative integer, got {Format(Instances)}"));
        }

        if (MaxInstances < 1)
        {
            problems.Add(new("max_instances", $"expected a positive integer, got {Format(MaxInstances)}"));
        }
        else if (Instances > MaxInstances)
        {
            problems.Add(new("instances", $"{Format(Instances)} is more than max_instances ({Format(MaxInstances)})"));
        }

        foreach (var (key, expression) in new[] { ("cron_restart", CronRestart), ("schedule", Schedule) })
        {
            if (expression is not null && CronSchedule.Problem(expression) is { } cron)
            {
                problems.Add(new(key, cron));
            }
        }

        if (CronRestart is not null && Schedule is not null)
        {
            problems.Add(new("cron_restart", "a program with a schedule is a job, started at each tick: it cannot also have cron_restart"));
        }

        if (Schedule is not null && Restart is RestartPolicy.Always)
        {
            problems.Add(new("schedule", "a scheduled job runs once per tick: restart = \"always\" would keep it running; use \"on-failure\" or \"never\""));
        }

        if (TimeZone is not null && CronSchedule.TimeZoneProblem(TimeZone) is { } zone)
        {
            problems.Add(new("timezone", zone));
        }

        if (MaxMemory is <= 0)
        {
            problems.Add(new("max_memory", $"expected a size above 0 such as \"300M\", got {Format(MaxMemory.Value)}"));
        }

        if (MaxRetries < 0)
        {
            problems.Add(new("max_retries", $"expected a non-negative integer, got {Format(MaxRetries)}"));
        }

        if (PortBase is { } portBase)
        {
            if (portBase is < 1 or > MaxPort)
            {
                problems.Add(new("port_base", $"expected a port from 1 to {Format(MaxPort)}, got {Format(portBase)}"));
            }
            else if ((long)portBase + Math.Max(MaxInstances, 1) - 1 > MaxPort)
            {
                problems.Add(new(
                    "port_base",
                    $"{Format(portBase)} + max_instances ({Format(MaxInstances)}) would give ports beyond {Format(MaxPort)}; the last instance gets port_base + max_instances - 1"));
            }
        }
    }

    private void ValidateDurations(ImmutableArray<SpecProblem>.Builder problems)
    {
        foreach (var (key, value) in new[]
        {
            ("restart_delay_ms", RestartDelay), ("restart_delay_max_ms", RestartDelayMax),
            ("min_uptime_ms", MinUptime), ("stop_timeout_ms", StopTimeout),
        })
        {
            if (value < TimeSpan.Zero)
            {
                problems.Add(new(key, $"expected a non-negative duration, got {Milliseconds(value)}"));
            }
        }
    }

    private void ValidateEnvironment(ImmutableArray<SpecProblem>.Builder problems)
    {
        foreach (var (variable, value) in Environment)
        {
            if (ProgramRules.VariableNameProblem(variable) is { } invalid)
            {
                problems.Add(new($"env.{variable}", $"invalid variable name {ProgramRules.Quote(variable)}: {invalid}"));
                continue;
            }

            foreach (var problem in TextProblems(value))
            {
                problems.Add(new($"env.{variable}", $"variable {variable}: {problem}"));
            }
        }
    }

    private void ValidateProcess(ImmutableArray<SpecProblem>.Builder problems)
    {
        if (Process.Nice is { } nice and (< -20 or > 19))
        {
            problems.Add(new("nice", $"expected an integer from -20 (most favoured) to 19, got {Format(nice)}"));
        }

        if (Process.Umask is { } umask and (< 0 or > MaxUmask))
        {
            problems.Add(new("umask", $"expected at most 0o777, got 0o{Convert.ToString(umask, 8)}"));
        }

        if (Process.MemoryMax is { } memory and < MinMemoryMax)
        {
            problems.Add(new("memory_max", $"expected at least 1M (a program cannot start in less), got {Format(memory)} bytes"));
        }

        if (Process.CpuMax is { } cpu and (< 1 or > MaxCpuMax))
        {
            problems.Add(new("cpu_max", $"expected a percentage of one CPU from 1% to {Format(MaxCpuMax)}%, got {Format(cpu)}%"));
        }

        if (Process.PidsMax is { } pids and < 1)
        {
            problems.Add(new("pids_max", $"expected a positive integer, got {Format(pids)}"));
        }

        for (var i = 0; i < Groups.Length; i++)
        {
            if (ProgramRules.NameProblem(Groups[i]) is { } problem)
            {
                problems.Add(new("groups", $"invalid group name {ProgramRules.Quote(Groups[i])}: {problem}", i));
            }
            else if (Groups.IndexOf(Groups[i]) < i)
            {
                problems.Add(new("groups", $"'{Groups[i]}' is listed twice", i));
            }
        }
    }

    private void ValidateExits(ImmutableArray<SpecProblem>.Builder problems)
    {
        if (SuccessExitCodes.IsDefaultOrEmpty)
        {
            problems.Add(new("success_exit_codes", "expected a non-empty array of exit codes such as [0, 2]"));
            return;
        }

        for (var i = 0; i < SuccessExitCodes.Length; i++)
        {
            var code = SuccessExitCodes[i];
            if (code is < 0 or > 255)
            {
                problems.Add(new("success_exit_codes", $"expected an exit code from 0 to 255, got {Format(code)}", i));
            }
            else if (SuccessExitCodes.IndexOf(code) < i)
            {
                problems.Add(new("success_exit_codes", $"{Format(code)} is listed twice", i));
            }
        }
    }

    private void ValidateLogs(ImmutableArray<SpecProblem>.Builder problems)
    {
        if (Log.MaxBytes < 0)
        {
            problems.Add(new("log_max_bytes", $"expected a non-negative size, got {Format(Log.MaxBytes)}"));
        }

        if (Log.Backups < 0)
        {
            problems.Add(new("log_backups", $"expected a non-negative integer, got {Format(Log.Backups)}"));
        }

        foreach (var (key, path) in new[] { ("stdout_log", Log.StdoutPath), ("stderr_log", Log.StderrPath) })
        {
            foreach (var problem in path is null ? [] : TextProblems(path))
            {
                problems.Add(new(key, problem));
            }
        }

        if (Instances > 1)
        {
            foreach (var (key, path) in new[] { ("stdout_log", Log.StdoutPath), ("stderr_log", Log.StderrPath) })
            {
                if (path is not null && !path.Contains("{id}", StringComparison.Ordinal) && !path.Contains("{index}", StringComparison.Ordinal))
                {
                    problems.Add(new(key, $"the {Format(Instances)} instances would all write this one file; put {{id}} or {{index}} in the path"));
                }
            }
        }

        if (Log.MergeStderr && Log.StderrPath is not null)
        {
            problems.Add(new("stderr_log", "has no effect with merge_stderr = true (stderr goes to the stdout log); remove one of them"));
        }

        if (ReadyLogLine is { } pattern)
        {
            if (Log.Inherit)
            {
                problems.Add(new("ready_log_line", "needs captured output, but log = \"inherit\" passes the output straight to krust-pm's own"));
            }
            else if (RegexProblem(pattern) is { } regex)
            {
                problems.Add(new("ready_log_line", regex));
            }
        }
    }

    private static string? RegexProblem(string pattern)
    {
        if (pattern.Length == 0)
        {
            return "must not be empty (it would match every line)";
        }

        try
        {
            // Interpreted, never RegexOptions.Compiled: Native AOT cannot compile at run time.
            _ = new Regex(pattern, RegexOptions.None);
            return null;
        }
        catch (ArgumentException error)
        {
            return $"invalid regular expression \"{pattern.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\": {error.Message}";
        }
    }

    private void ValidateProbe(ImmutableArray<SpecProblem>.Builder problems, string kind, Health.ProbeSpec? probe)
    {
        if (probe is null)
        {
            return;
        }

        var targets = new[] { ("exec", !probe.Exec.IsDefaultOrEmpty), ("http", probe.Http is not null), ("tcp", probe.Tcp is not null) }
            .Where(t => t.Item2).Select(t => t.Item1).ToArray();
        if (targets.Length != 1)
        {
            var got = targets.Length == 0 ? "none" : string.Join(" and ", targets);
            problems.Add(new(kind, $"expected exactly one of exec, http or tcp, got {got}"));
        }

        if (!probe.Exec.IsDefaultOrEmpty)
        {
            foreach (var problem in probe.Exec.SelectMany(TextProblems))
            {
                problems.Add(new($"{kind}.exec", problem));
            }
        }

        if (probe.Http is { } http)
        {
            foreach (var problem in TextProblems(http))
            {
                problems.Add(new($"{kind}.http", problem));
            }
        }

        if (probe.Tcp is { } tcp)
        {
            foreach (var problem in TextProblems(tcp))
            {
                problems.Add(new($"{kind}.tcp", problem));
            }
        }

        if (probe.Period <= TimeSpan.Zero)
        {
            problems.Add(new($"{kind}.period_ms", $"expected a positive duration, got {Milliseconds(probe.Period)}"));
        }

        if (probe.Timeout <= TimeSpan.Zero)
        {
            problems.Add(new($"{kind}.timeout_ms", $"expected a positive duration, got {Milliseconds(probe.Timeout)}"));
        }

        if (probe.FailureThreshold < 1)
        {
            problems.Add(new($"{kind}.failure_threshold", $"expected a positive integer, got {Format(probe.FailureThreshold)}"));
        }

        if (probe.InitialDelay < TimeSpan.Zero)
        {
            problems.Add(new($"{kind}.initial_delay_ms", $"expected a non-negative duration, got {Milliseconds(probe.InitialDelay)}"));
        }
    }

    /// <summary>What is wrong with a text handed to the operating system after its placeholders are expanded.</summary>
    private IEnumerable<string> TextProblems(string text) =>
        ProgramRules.OsStringProblem(text) is { } nul ? [nul] : Placeholders.Check(text, HasPortBase);
}
