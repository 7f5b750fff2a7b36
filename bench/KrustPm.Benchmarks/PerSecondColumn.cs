using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KrustPm.Benchmarks;

/// <summary>A throughput column: the benchmark's <c>Instances</c> parameter divided by its mean time.</summary>
public sealed class PerSecondColumn(string name, string legend) : IColumn
{
    public string Id => $"{nameof(PerSecondColumn)}.{ColumnName}";

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 && benchmarkCase.Parameters["Instances"] is int instances
            ? (instances / (mean.Value / 1e9)).ToString("N0", CultureInfo.InvariantCulture)
            : "NA";
    }

    public override string ToString() => ColumnName;
}
