using System.Globalization;
using KrustPm.Engine;
using KrustPm.Engine.Journal;

namespace KrustPm.Benchmarks;

/// <summary>A crash loop's events, as the engine decides them, written to a journal: the journal's usual heavy load.</summary>
public static class JournalWorkload
{
    /// <summary>One crash-loop batch of the last of <paramref name="instances"/> running instances: its exit, relaunch and start.</summary>
    public static (EngineState After, List<JournalRecord> Batch) CrashLoopBatch(int instances)
    {
        var state = Fixtures.Running(Fixtures.Spec(instances));
        var records = new List<JournalRecord>();
        var last = state.Programs[0].Instances[^1];
        state = Decide(state, new Message.Exited(last.RunId!.Value, 1, Fixtures.Epoch.AddSeconds(2)), records);
        state = Decide(state, new Message.Started(state.NextRunId - 1, Fixtures.Pid(state.NextRunId - 1), Fixtures.Epoch.AddSeconds(2)), records);
        return (state, records);
    }

    /// <summary>
    /// Writes a crash loop of 100 instances until the journal holds <paramref name="records"/> records, a batch per
    /// exit; returns the live state at the end.
    /// </summary>
    public static EngineState WriteCrashLoop(string folder, int records, FileJournalOptions options)
    {
        var state = Fixtures.Running(Fixtures.Spec(100));
        using var journal = FileJournal.Open(folder, options, EngineState.Empty);
        var written = 0;
        var at = Fixtures.Epoch;
        var batch = new List<JournalRecord>();
        while (written < records)
        {
            at = at.AddMilliseconds(1);
            var instance = state.Programs[0].Instances[written % 100];
            batch.Clear();
            state = Decide(state, new Message.Exited(instance.RunId!.Value, 1, at), batch);
            var run = state.NextRunId - 1;
            state = Decide(state, new Message.Started(run, Fixtures.Pid(run), at), batch);
            journal.Append(batch, state);
            written += batch.Count;
        }

        return state;
    }

    /// <summary>Prints the journal's bytes per record for each event of a crash loop (<c>journal-sizes</c>).</summary>
    public static void PrintSizes()
    {
        var folder = Directory.CreateTempSubdirectory("krust-journal-sizes-").FullName;
        try
        {
            WriteCrashLoop(folder, 30_000, FileJournalOptions.Default);
            var sizes = new Dictionary<string, List<int>>();
            foreach (var line in File.ReadLines(JournalSegments.List(folder)[^1].Path).Skip(1))
            {
                var type = line[(line.IndexOf("\"type\":\"", StringComparison.Ordinal) + 8)..];
                type = type[..type.IndexOf('"', StringComparison.Ordinal)];
                (sizes.TryGetValue(type, out var list) ? list : sizes[type] = []).Add(System.Text.Encoding.UTF8.GetByteCount(line) + 1);
            }

            Console.WriteLine("| event | records | bytes per record (mean) |");
            Console.WriteLine("|---|---|---|");
            foreach (var (type, list) in sizes.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {type} | {list.Count} | {list.Average():0} |"));
            }

            var total = sizes.Values.Sum(l => l.Sum());
            var messages = sizes.TryGetValue("InstanceExited", out var exits) ? exits.Count * 2 : 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\ncrash loop: {total / (double)messages:0} bytes per message (an Exited and a Started each)"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static EngineState Decide(EngineState state, Message message, List<JournalRecord> records)
    {
        var decision = Decider.Decide(state, message);
        for (var index = 0; index < decision.Events.Length; index++)
        {
            records.Add(new JournalRecord(state.LastEventId + 1 + index, decision.State.Version, decision.Events[index]));
        }

        return decision.State;
    }
}
