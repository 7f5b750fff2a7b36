using System.Text.Json;
using KrustPm.Host.Cli;

namespace KrustPm.Host.Tests.Cli;

/// <summary>What <c>krust-pm top</c> shows: rows sorted by CPU, memory or name, instances without a sample last, and the summary.</summary>
public class TopViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    private static readonly List<JsonElement> Programs = [.. JsonDocument.Parse("""
        [
          { "name": "web", "instances": [
            { "id": 0, "status": "Running", "pid": 100, "startedAt": "2026-12-05T08:57:55+00:00", "cpuPercent": 2.5, "memoryBytes": 78643200, "processes": 1, "threads": 9, "openFiles": 21 },
            { "id": 1, "status": "Running", "pid": 101, "startedAt": "2026-12-05T08:59:15+00:00", "cpuPercent": 187.25, "memoryBytes": 1048576, "processes": 3, "threads": 3, "openFiles": 15 } ] },
          { "name": "api", "instances": [
            { "id": 0, "status": "Backoff" },
            { "id": 2, "status": "Running", "pid": 102, "startedAt": "2026-12-05T06:00:00+00:00", "cpuPercent": 0.0, "memoryBytes": 1610612736, "processes": 1, "threads": 40, "openFiles": 300 } ] }
        ]
        """).RootElement.EnumerateArray()];

    [Fact]
    public void By_cpu_the_busiest_first_and_instances_without_a_sample_last()
    {
        Assert.Equal(
            [
                ["web", "1", "Running", "101", "187%", "1.0M", "3", "3", "15", "45s"],
                ["web", "0", "Running", "100", "2.5%", "75.0M", "1", "9", "21", "2m05s"],
                ["api", "2", "Running", "102", "0.0%", "1.50G", "1", "40", "300", "3h00m"],
                ["api", "0", "Backoff", "-", "-", "-", "-", "-", "-", "-"],
            ],
            TopView.Rows(Programs, TopSort.Cpu, Now));
    }

    [Fact]
    public void By_memory_the_largest_first_and_by_name_in_order()
    {
        Assert.Equal(["api:2", "web:0", "web:1", "api:0"], TopView.Rows(Programs, TopSort.Memory, Now).Select(r => $"{r[0]}:{r[1]}"));
        Assert.Equal(["api:0", "api:2", "web:0", "web:1"], TopView.Rows(Programs, TopSort.Name, Now).Select(r => $"{r[0]}:{r[1]}"));
    }

    [Fact]
    public void The_summary_counts_programs_running_instances_and_sums_cpu_and_memory()
    {
        Assert.Equal("2 program(s), 3 of 4 instance(s) running, CPU 190%, MEM 1.57G", TopView.Summary(Programs));
    }
}
