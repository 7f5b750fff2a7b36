using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>One message the engine applied, with the states before and after it, and the effects it asked for.</summary>
/// <param name="Message">The message.</param>
/// <param name="Before">The state it was applied to.</param>
/// <param name="After">The state it produced.</param>
/// <param name="Effects">The effects it produced (a command's <see cref="Effect.Reply"/> among them).</param>
public sealed record AppliedMessage(Message Message, EngineState Before, EngineState After, ImmutableArray<Effect> Effects)
{
    /// <summary>Whether a reply produced by this message refused its command.</summary>
    public bool Refused => Effects.OfType<Effect.Reply>().Any(reply => !reply.Result.Accepted);

    /// <summary>Finds the program and instance a run belongs to, before or after the message.</summary>
    /// <param name="runId">The run.</param>
    /// <returns>The program's name and the instance as it is after the message, or <see langword="null"/>.</returns>
    public (string Program, InstanceState Instance)? FindRun(long runId)
    {
        foreach (var program in Before.Programs)
        {
            foreach (var instance in program.Instances.Concat(program.Retiring))
            {
                if (instance.RunId == runId)
                {
                    var now = After.Find(program.Name)?.Instances.FirstOrDefault(i => i.Id == instance.Id);
                    return (program.Name, now ?? instance);
                }
            }
        }

        return null;
    }
}
