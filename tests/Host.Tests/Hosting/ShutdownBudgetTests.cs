using System.Collections.Immutable;
using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Tests.Hosting;

/// <summary>The host waits for a shutdown as long as the longest chain of dependents stopping one after the other.</summary>
public sealed class ShutdownBudgetTests
{
    [Fact]
    public void Without_dependencies_the_budget_is_the_longest_stop_timeout() =>
        Assert.Equal(TimeSpan.FromSeconds(10), ShutdownBudget.Of([Spec("a", 2), Spec("b", 10), Spec("c", 5)]));

    [Fact]
    public void Without_programs_the_budget_is_zero() => Assert.Equal(TimeSpan.Zero, ShutdownBudget.Of([]));

    [Fact]
    public void A_dependency_chain_adds_up_its_stop_timeouts()
    {
        // web stops first (3 s), then migrate's dependents are gone and db goes (10 s); cache alone takes 12 s.
        var programs = new[] { Spec("db", 10), Spec("migrate", 1, "db"), Spec("web", 3, "db", "migrate"), Spec("cache", 12) };

        Assert.Equal(TimeSpan.FromSeconds(14), ShutdownBudget.Of(programs));
    }

    private static ProgramSpec Spec(string name, int stopSeconds, params string[] dependsOn) => new(name, name, [name])
    {
        StopTimeout = TimeSpan.FromSeconds(stopSeconds),
        DependsOn = dependsOn.ToImmutableSortedDictionary(d => d, _ => DependencyCondition.Started, StringComparer.Ordinal),
    };
}
