namespace KrustPm.Engine;

/// <summary>restart_with: a restart of a whole program restarts, down the chain, the programs that depend on it with it.</summary>
public static partial class Decider
{
    /// <summary>
    /// A restart of a whole program restarts the programs that depend on it with <see cref="ProgramSpec.RestartWith"/>,
    /// and theirs in turn, all at once (even when the program's own restart is rolling). Their live instances are
    /// stopped; each starts again through the gate, so it waits for its dependencies' conditions again. Instances not
    /// running (waiting, in backoff, stopped, ended), being stopped, or of a program in a rolling restart are left alone.
    /// </summary>
    private static void RestartDependents(Transition t, Message.RestartInstances m)
    {
        if (m.Instance is not null || !t.State.Programs.Any(p => p.Spec.RestartWith))
        {
            return;
        }

        var dependents = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var index = 0; index < t.State.Programs.Length; index++)
        {
            var spec = t.Program(index).Spec;
            foreach (var dependency in spec.RestartWith ? spec.DependsOn.Keys : [])
            {
                (dependents.TryGetValue(dependency, out var list) ? list : dependents[dependency] = []).Add(index);
            }
        }

        var restarted = new HashSet<int> { t.State.IndexOf(m.Program) };
        var queue = new Queue<string>([m.Program]);
        while (queue.TryDequeue(out var name))
        {
            foreach (var index in dependents.GetValueOrDefault(name) ?? [])
            {
                if (!restarted.Add(index))
                {
                    continue;
                }

                var program = t.Program(index);
                queue.Enqueue(program.Name);
                if (program.Rolling is not null)
                {
                    continue;
                }

                foreach (var instance in program.Instances)
                {
                    if (instance is { IsLive: true, StopRequested: false })
                    {
                        t.Stop(program.Spec, instance, StopReason.RestartWith);
                    }
                }
            }
        }
    }
}
