using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace KrustPm.Benchmarks;

// Not a top-level program: that would declare a global Program, which the host (referenced here) already declares.
internal static class BenchmarkProgram
{
    /// <summary>
    /// Every benchmark reports allocations; each class's table is also written as GitHub Markdown. Without a --job option the short job runs (a
    /// full run in a few minutes); --job default (or medium, long) asks for more precise figures.
    /// </summary>
    public static void Main(string[] args)
    {
        if (args is ["journal-sizes"])
        {
            JournalWorkload.PrintSizes();
            return;
        }

        // The default configuration already exports the GitHub Markdown table.
        var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
        if (!args.Any(arg => arg is "--job" or "-j" || arg.StartsWith("--job=", StringComparison.Ordinal)))
        {
            config = config.AddJob(Job.ShortRun);
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args, config);
    }
}
