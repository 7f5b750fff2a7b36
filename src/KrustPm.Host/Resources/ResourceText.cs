using System.Globalization;

namespace KrustPm.Host.Resources;

/// <summary>CPU and memory as <c>status</c> and <c>top</c> print them: short, fixed units, readable at a glance.</summary>
internal static class ResourceText
{
    /// <summary><c>0.0%</c>, <c>12.5%</c>, <c>187%</c> (of one core).</summary>
    public static string Cpu(double percent) =>
        percent < 100
            ? percent.ToString("0.0", CultureInfo.InvariantCulture) + "%"
            : Math.Round(percent).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Resident memory, 1024-based as <c>max_memory</c> reads it: <c>812K</c>, <c>73.2M</c>, <c>412M</c>, <c>1.25G</c>.</summary>
    public static string Memory(long bytes) => bytes switch
    {
        < 1L << 20 => (bytes >> 10).ToString(CultureInfo.InvariantCulture) + "K",
        < 100L << 20 => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        < 1L << 30 => (bytes >> 20).ToString(CultureInfo.InvariantCulture) + "M",
        _ => (bytes / 1073741824.0).ToString("0.00", CultureInfo.InvariantCulture) + "G",
    };
}
