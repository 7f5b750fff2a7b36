using System.Collections.Immutable;

namespace KrustPm.Engine;

public static partial class Reducer
{
    private static void Load(Transition t, Message.Load m)
    {
        if (t.State.ShuttingDown)
        {
            t.Reply(m.RequestId, CommandResult.Rejected(RejectionKind.Conflict, "krust-pm is shutting down."));
            return;
        }

        var names = new HashSet<string>(t.State.Programs.Select(p => p.Name), StringComparer.Ordinal);
        foreach (var spec in m.Programs)
        {
            var problem = names.Add(spec.Name) ? Problem(spec) : $"A program named '{spec.Name}' already exists.";
            if (problem is not null)
            {
                t.Reply(m.RequestId, CommandResult.Rejected(RejectionKind.Invalid, problem));
                return;
            }
        }

        var added = 0;
        foreach (var spec in m.Programs)
        {
            var instances = ImmutableArray.CreateBuilder<InstanceState>(spec.Instances);
            for (var id = 0; id < spec.Instances; id++)
            {
                instances.Add(t.Launch(spec, new InstanceState(id, 1, InstanceStatus.Started), 1));
            }

            added += spec.Instances;
            t.State = t.State with
            {
                Programs = t.State.Programs.Add(new ProgramState(spec, instances.MoveToImmutable(), spec.Instances)),
            };
        }

        t.Reply(m.RequestId, CommandResult.Ok(added));
    }

    /// <summary>What makes a specification unusable, or <see langword="null"/> when it is fine.</summary>
    private static string? Problem(ProgramSpec spec) => spec switch
    {
        { Name.Length: 0 } => "A program needs a name.",
        { Argv.IsDefaultOrEmpty: true } => $"Program '{spec.Name}' has no command.",
        { Instances: < 0 } => $"Program '{spec.Name}': the instance count must not be negative (got {spec.Instances}).",
        { MaxInstances: < 1 } => $"Program '{spec.Name}': the instance cap must be at least 1 (got {spec.MaxInstances}).",
        _ when spec.Instances > spec.MaxInstances =>
            $"Program '{spec.Name}' allows at most {spec.MaxInstances} instances (got {spec.Instances}).",
        { MaxRetries: < 0 } => $"Program '{spec.Name}': max retries must not be negative (got {spec.MaxRetries}).",
        _ => null,
    };

    private static void Scale(Transition t, Message.Scale m)
    {
        var index = t.State.IndexOf(m.Program);
        if (index < 0)
        {
            t.Reply(m.RequestId, CommandResult.Rejected(RejectionKind.NotFound, $"There is no program named '{m.Program}'."));
            return;
        }

        var program = t.Program(index);
        var rejection = m switch
        {
            _ when t.State.ShuttingDown => CommandResult.Rejected(RejectionKind.Conflict, "krust-pm is shutting down."),
            _ when program.Rolling is not null => CommandResult.Rejected(
                RejectionKind.Conflict, $"A rolling restart of '{m.Program}' is in progress."),
            { To: < 0 } => CommandResult.Rejected(RejectionKind.Invalid, $"The instance count must not be negative (got {m.To})."),
            _ when m.To > program.Spec.MaxInstances => CommandResult.Rejected(
                RejectionKind.Invalid,
                $"Program '{m.Program}' allows at most {program.Spec.MaxInstances} instances (got {m.To})."),
            _ => null,
        };
        if (rejection is not null)
        {
            t.Reply(m.RequestId, rejection);
            return;
        }

        var count = program.Instances.Length;
        if (m.To >= count)
        {
            ScaleUp(t, index, m.To - count);
            t.Reply(m.RequestId, CommandResult.Ok(m.To - count));
        }
        else
        {
            var awaited = ScaleDown(t, index, count - m.To, m.At);
            t.ReplyWhenEnded(m.RequestId, awaited, CommandResult.Ok(count - m.To));
        }
    }

    private static void ScaleUp(Transition t, int index, int added)
    {
        var program = t.Program(index);
        var instances = program.Instances.ToBuilder();
        for (var n = 0; n < added; n++)
        {
            var fresh = new InstanceState(program.NextInstanceId + n, 1, InstanceStatus.Started);
            instances.Add(t.Launch(program.Spec, fresh, 1));
        }

        t.SetProgram(index, program with
        {
            Instances = instances.ToImmutable(),
            NextInstanceId = program.NextInstanceId + added,
        });
    }

    /// <summary>Removes the oldest instances; the live ones are stopped and kept as retiring until they exit.</summary>
    private static ImmutableHashSet<long> ScaleDown(Transition t, int index, int removed, DateTimeOffset at)
    {
        var program = t.Program(index);
        var retiring = program.Retiring.ToBuilder();
        var awaited = ImmutableHashSet.CreateBuilder<long>();
        foreach (var instance in program.Instances.Take(removed))
        {
            if (!instance.IsLive)
            {
                continue;
            }

            // A retiring instance is never started again, so a restart it was waiting for is cancelled.
            awaited.Add(instance.RunId!.Value);
            retiring.Add((instance.StopRequested ? instance : t.Stop(program.Spec, instance, at)) with { RestartRequested = false });
        }

        t.SetProgram(index, program with
        {
            Instances = program.Instances.RemoveRange(0, removed),
            Retiring = retiring.ToImmutable(),
        });
        return awaited.ToImmutable();
    }

    private static void Shutdown(Transition t, Message.Shutdown m)
    {
        t.State = t.State with { ShuttingDown = true };
        var awaited = ImmutableHashSet.CreateBuilder<long>();
        for (var index = 0; index < t.State.Programs.Length; index++)
        {
            var program = t.Program(index);
            var instances = program.Instances.ToBuilder();
            for (var i = 0; i < instances.Count; i++)
            {
                var instance = instances[i];
                if (!instance.IsLive)
                {
                    instances[i] = instance.Status is InstanceStatus.Backoff
                        ? instance with { Status = InstanceStatus.Stopped, NextTryAt = null }
                        : instance;
                    continue;
                }

                awaited.Add(instance.RunId!.Value);
                if (!instance.StopRequested)
                {
                    instances[i] = t.Stop(program.Spec, instance, m.At);
                }
            }

            awaited.UnionWith(program.Retiring.Where(r => r.IsLive).Select(r => r.RunId!.Value));
            if (program.Rolling is { } rolling)
            {
                t.Reply(rolling.RequestId, CommandResult.Rejected(RejectionKind.Conflict, "krust-pm is shutting down."));
            }

            t.SetProgram(index, program with { Instances = instances.ToImmutable(), Rolling = null });
        }

        t.ReplyWhenEnded(m.RequestId, awaited.ToImmutable(), CommandResult.Ok());
    }
}
