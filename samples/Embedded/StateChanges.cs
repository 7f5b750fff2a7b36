using KrustPm.Engine;

namespace Embedded;

/// <summary>Describes what one applied message changed, one line per instance: <c>worker.2 Started -> Running pid 1234</c>.</summary>
internal static class StateChanges
{
    public static IEnumerable<string> Between(EngineState before, EngineState after)
    {
        foreach (var program in after.Programs)
        {
            var old = before.Find(program.Name);
            var oldInstances = old is null ? [] : old.Instances.AddRange(old.Retiring);
            var instances = program.Instances.AddRange(program.Retiring);

            foreach (var now in instances)
            {
                var was = oldInstances.FirstOrDefault(i => i.Id == now.Id);
                if (Describe(program.Name, was, now) is { } line)
                {
                    yield return line;
                }
            }

            // Removed by a scale-down, and its process has exited.
            foreach (var gone in oldInstances.Where(o => !instances.Any(i => i.Id == o.Id)))
            {
                yield return $"{program.Name}.{gone.Id} {gone.Status} -> removed";
            }
        }
    }

    private static string? Describe(string program, InstanceState? was, InstanceState now)
    {
        if (was is not null && was.Status == now.Status && was.Pid == now.Pid)
        {
            return null;
        }

        var line = $"{program}.{now.Id} {was?.Status.ToString() ?? "new"} -> {now.Status}";
        if (now.Status is InstanceStatus.Running or InstanceStatus.Stopping && now.Pid is { } pid)
        {
            return $"{line} pid {pid}";
        }

        if (now.LastError is { } error && error != was?.LastError)
        {
            return $"{line} ({error})";
        }

        return was is { IsLive: true } && !now.IsLive && now.LastExitCode is { } code ? $"{line} exit code {code}" : line;
    }
}
