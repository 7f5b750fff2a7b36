using System.Collections.Immutable;
using System.Reflection;
using KrustPm.Engine.Health;
using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <see cref="SpecChanges"/>, the one list a reload goes by: every setting of <see cref="ProgramSpec"/> is in it (a
/// setting added to the record and forgotten here would be changed by a reload without anyone noticing).
/// </summary>
public sealed class SpecChangesTests
{
    private static readonly ProgramSpec Base = Given.Spec("web") with
    {
        Readiness = new ProbeSpec { Exec = ["/bin/check"] },
        Liveness = new ProbeSpec { Tcp = "127.0.0.1:1" },
        ReadyLogLine = "ready",
        User = "nobody",
        WorkingDirectory = "/srv",
    };

    public static TheoryData<string> Properties() =>
        [.. typeof(ProgramSpec).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.Name != nameof(ProgramSpec.Name))
            .Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Properties))]
    public void A_change_of_any_setting_is_seen(string property)
    {
        var changed = With(Base, property);

        Assert.NotEmpty(SpecChanges.Between(Base, changed));
        Assert.False(ProgramSpecs.SameSettings(Base, changed));
    }

    [Fact]
    public void Equal_settings_in_new_lists_and_tables_are_no_change()
    {
        var again = Base with
        {
            Argv = [.. Base.Argv],
            Environment = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, Base.Environment),
            Readiness = new ProbeSpec { Exec = ["/bin/check"] },
        };

        Assert.Empty(SpecChanges.Between(Base, again));
    }

    [Fact]
    public void The_launch_relevant_settings_need_a_restart_and_the_others_apply_in_place()
    {
        Assert.Equal(
            ["command", "workdir", "env", "clear_env", "user", "stop_signal", "log", "ready_log_line", "port_base", "umask", "nice", "rlimits", "memory_max", "cpu_max", "pids_max",
                "stdout_log", "stderr_log", "merge_stderr", "log_timestamps"],
            SpecChanges.Settings.Where(s => s.Effect is ChangeEffect.Restart).Select(s => s.Key));
    }

    /// <summary>A copy of the spec with one property set to another value.</summary>
    private static ProgramSpec With(ProgramSpec spec, string name)
    {
        var property = typeof(ProgramSpec).GetProperty(name)!;
        var copy = (ProgramSpec)typeof(ProgramSpec).GetMethod("<Clone>$")!.Invoke(spec, null)!;
        var value = property.GetValue(spec);
        property.SetValue(copy, value is null && property.PropertyType == typeof(int?) ? 1 : value is null && property.PropertyType == typeof(long?) ? 1L : Other(value));
        return copy;
    }

    private static object? Other(object? value) => value switch
    {
        int number => number + 1,
        long number => number + 1,
        bool flag => !flag,
        string text => text + "-other",
        TimeSpan span => span + TimeSpan.FromSeconds(1),
        RestartPolicy policy => policy == RestartPolicy.Always ? RestartPolicy.Never : RestartPolicy.Always,
        ImmutableArray<string> items => items.Add("--other"),
        ImmutableSortedDictionary<string, string> table => table.Add("OTHER", "1"),
        ImmutableSortedDictionary<string, DependencyCondition> table => table.Add("other", DependencyCondition.Started),
        LogPolicy log => log with { Enabled = !log.Enabled },
        ImmutableArray<int> codes => codes.Add(2),
        SignalTarget target => target == SignalTarget.Group ? SignalTarget.Main : SignalTarget.Group,
        ProcessSettings process => process with { Nice = (process.Nice ?? 0) + 1 },
        ProbeSpec probe => probe with { Period = probe.Period + TimeSpan.FromSeconds(1) },
        null => "other",
        _ => throw new InvalidOperationException($"No other value for a {value.GetType().Name}: teach this test, and SpecChanges, the new setting."),
    };
}
