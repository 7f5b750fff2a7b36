using System.IO.Hashing;
using System.Text;
using KrustPm.Engine.Journal;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests.Journal;

/// <summary>
/// <see cref="FileJournal"/> and <see cref="JournalReader"/> on real files: what is written is read back as the same
/// state, segments rotate with snapshots, and damage (a torn tail, a flipped byte, an unknown event) is reported with
/// its place and never stops krust-pm from starting.
/// </summary>
public sealed class FileJournalTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("krust-journal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void What_one_journal_wrote_restores_the_same_state()
    {
        var live = Write(FileJournalOptions.Default, Story());

        var restored = JournalReader.Restore(_directory);

        Assert.Empty(restored.Warnings);
        Assert.Equal(Json(live), Json(restored.State));
    }

    [Fact]
    public void A_full_segment_is_closed_the_next_begins_with_a_snapshot_and_only_the_newest_are_kept()
    {
        var live = Write(FileJournalOptions.Default with { MaxSegmentBytes = 2_000, MaxSegments = 3 }, Story(rounds: 40));

        var segments = JournalSegments.List(_directory);
        Assert.Equal(3, segments.Count);
        Assert.All(segments, s => Assert.StartsWith("{\"journal\":\"krust-pm\",\"schema\":1,", File.ReadLines(s.Path).First(), StringComparison.Ordinal));
        Assert.Equal(Json(live), Json(JournalReader.Restore(_directory).State));

        // The records kept run without a hole from the oldest segment's snapshot to the end.
        var records = JournalReader.Records(_directory, 0, warning => Assert.Fail(warning)).ToList();
        Assert.Equal(Enumerable.Range((int)records[0].Id, records.Count).Select(i => (long)i), records.Select(r => r.Id));
        Assert.Equal(live.LastEventId, records[^1].Id);
    }

    [Fact]
    public void A_torn_last_record_is_cut_off_with_one_warning_naming_the_file_and_offset()
    {
        var live = Write(FileJournalOptions.Default, Story());
        var path = JournalSegments.List(_directory)[^1].Path;
        var goodLength = new FileInfo(path).Length;
        File.AppendAllText(path, "{\"id\":999,\"v\":999,\"e\":{\"type\":\"InstanceSta");

        var restored = JournalReader.Restore(_directory);

        var warning = Assert.Single(restored.Warnings);
        Assert.Contains(path, warning, StringComparison.Ordinal);
        Assert.Contains($"byte {goodLength}", warning, StringComparison.Ordinal);
        Assert.Equal(goodLength, new FileInfo(path).Length);
        Assert.Equal(Json(live), Json(restored.State));
        Assert.Empty(JournalReader.Restore(_directory).Warnings); // cut off once
    }

    [Fact]
    public void A_damaged_record_stops_the_fold_before_it_and_says_where()
    {
        Write(FileJournalOptions.Default, Story());
        var path = JournalSegments.List(_directory)[^1].Path;
        var lines = File.ReadAllLines(path);
        var offset = lines.Take(5).Sum(l => Encoding.UTF8.GetByteCount(l) + 1);
        var bytes = File.ReadAllBytes(path);
        bytes[offset + 10] ^= 0x04; // a flipped bit in line 6
        File.WriteAllBytes(path, bytes);

        var restored = JournalReader.Restore(_directory);

        Assert.Contains(restored.Warnings, w => w.Contains(path, StringComparison.Ordinal) && w.Contains($"line 6 (byte {offset})", StringComparison.Ordinal));
        var expected = JournalFold.Fold(JournalReader.StateAt(_directory, 0, null, _ => { })!.State, lines.Skip(1).Take(4).Select(l => Read(l)));
        Assert.Equal(Json(expected), Json(restored.State));
    }

    [Fact]
    public void An_event_of_a_type_this_version_does_not_know_is_skipped_with_a_warning()
    {
        var live = Write(FileJournalOptions.Default, Story());
        var path = JournalSegments.List(_directory)[^1].Path;
        var line = $$$"""{"id":{{{live.LastEventId + 1}}},"v":{{{live.Version + 1}}},"e":{"type":"ProgramTeleported","program":"web","at":"2026-12-04T12:00:00+00:00"}}""";
        File.AppendAllText(path, Sealed(line));

        var restored = JournalReader.Restore(_directory);

        Assert.Contains(restored.Warnings, w => w.Contains("ProgramTeleported", StringComparison.Ordinal) && w.Contains("newer", StringComparison.Ordinal));
        Assert.Equal(Json(live), Json(restored.State));
    }

    [Fact]
    public void A_newest_segment_without_a_readable_header_is_passed_over_for_the_one_before()
    {
        var live = Write(FileJournalOptions.Default, Story());
        var next = JournalSegments.PathOf(_directory, JournalSegments.List(_directory)[^1].Number + 1);
        File.WriteAllText(next, "{\"journal\":\"krust-pm\",\"schema\":1,\"segm"); // torn while it was begun

        var restored = JournalReader.Restore(_directory);

        Assert.Equal(Json(live), Json(restored.State));
        Assert.NotEmpty(restored.Warnings);
    }

    [Fact]
    public void The_state_at_a_version_or_a_time_is_rebuilt_from_the_snapshot_before_it()
    {
        var messages = Story(rounds: 10);
        Write(FileJournalOptions.Default with { MaxSegmentBytes = 1_500, MaxSegments = 1_000 }, messages);
        Assert.True(JournalSegments.List(_directory).Count > 3);
        var state = EngineState.Empty;
        var states = new List<EngineState>();
        foreach (var message in messages)
        {
            state = Decider.Reduce(state, message).State;
            states.Add(state);
        }

        foreach (var wanted in new[] { states[3], states[17], states[^2] })
        {
            var byVersion = JournalReader.StateAt(_directory, wanted.Version, null, warning => Assert.Fail(warning))!;
            Assert.Equal(StateView.Facts(wanted), StateView.Facts(byVersion.State));
        }

        var atTime = JournalReader.StateAt(_directory, null, messages[17].At, warning => Assert.Fail(warning))!;
        Assert.Equal(StateView.Facts(states[17]), StateView.Facts(atTime.State));
    }

    [Fact]
    public void A_folder_that_cannot_be_made_is_refused_when_opened()
    {
        var file = Path.Combine(_directory, "a-file");
        File.WriteAllText(file, "not a folder");

        Assert.ThrowsAny<IOException>(() => FileJournal.Open(Path.Combine(file, "journal"), FileJournalOptions.Default, EngineState.Empty));
    }

    [Fact]
    public void A_full_disk_drops_records_visibly_and_writing_resumes_with_a_snapshot()
    {
        var disk = Path.Combine(_directory, "small");
        Directory.CreateDirectory(disk);
        if (!SmallDisk.TryMount(disk, kilobytes: 64))
        {
            Assert.Skip("needs root to mount a 64 KiB tmpfs as a full disk");
        }

        try
        {
            var ballast = Path.Combine(disk, "ballast");
            File.WriteAllBytes(ballast, new byte[40 * 1024]);
            var failures = new List<Exception>();
            var recoveries = new List<long>();
            using var journal = FileJournal.Open(Path.Combine(disk, "journal"), FileJournalOptions.Default, EngineState.Empty);
            journal.Failed += failures.Add;
            journal.Recovered += recoveries.Add;
            var state = EngineState.Empty;
            foreach (var message in Story(rounds: 400))
            {
                state = Append(journal, state, message);
            }

            Assert.Single(failures);
            Assert.False(journal.Health.Writing);
            Assert.True(journal.Health.DroppedRecords > 0);
            Assert.Contains("space", journal.Health.LastError, StringComparison.OrdinalIgnoreCase);

            // Room again: the journal begins a new segment whose snapshot holds the state, and the fold is right again.
            File.Delete(ballast);

            // Retries come less often as failures go on, but at least every 64 batches.
            for (var request = 10_000; request < 10_070; request++)
            {
                state = Append(journal, state, new Message.Scale("web", 2 + (request % 2), request, At(2_000_000 + request)));
            }

            Assert.True(journal.Health.Writing, $"{journal.Health.LastError}: {string.Join(", ", Directory.EnumerateFiles(disk, "*", SearchOption.AllDirectories).Select(f => $"{f} {new FileInfo(f).Length}"))}");
            Assert.Single(recoveries);
            Assert.Equal(Json(state), Json(JournalReader.Restore(Path.Combine(disk, "journal")).State));
        }
        finally
        {
            SmallDisk.Unmount(disk);
        }
    }

    /// <summary>Writes the messages' events through a journal opened on an empty state, batch by batch; returns the live state.</summary>
    private EngineState Write(FileJournalOptions options, IEnumerable<Message> messages)
    {
        using var journal = FileJournal.Open(_directory, options, EngineState.Empty);
        var state = EngineState.Empty;
        foreach (var message in messages)
        {
            state = Append(journal, state, message);
        }

        return state;
    }

    private static EngineState Append(FileJournal journal, EngineState state, Message message)
    {
        var decision = Decider.Decide(state, message);
        var records = decision.Events.Select((e, index) => new JournalRecord(state.LastEventId + 1 + index, decision.State.Version, e)).ToList();
        if (records.Count > 0)
        {
            journal.Append(records, decision.State);
        }

        return decision.State;
    }

    /// <summary>A program loaded, then rounds of starts, crashes, a scale and a stop: events of most kinds.</summary>
    private static List<Message> Story(int rounds = 3, long firstRequest = 1, int offsetMs = 0)
    {
        var web = Spec("web", instances: 2, restartDelayMs: 100, maxInstances: 50, maxRetries: 0);
        var messages = new List<Message> { new Message.Load([web], firstRequest, At(offsetMs)) };
        var state = Decider.Reduce(EngineState.Empty, messages[0]).State;
        for (var round = 0; round < rounds; round++)
        {
            var at = offsetMs + (round * 1_000);
            foreach (var instance in state.Programs[0].Instances.Where(i => i is { IsLive: true, Pid: null }).ToList())
            {
                Add(new Message.Started(instance.RunId!.Value, Pid(instance.RunId!.Value), At(at + 1)));
            }

            var first = state.Programs[0].Instances.First(i => i.IsLive);
            Add(new Message.Exited(first.RunId!.Value, 1, At(at + 2)));
            Add(new Message.RetryDue("web", first.Id, first.CurrentTry + 1, At(at + 500)));
            Add(new Message.Scale("web", 2 + (round % 3), firstRequest + round + 1, At(at + 600)));
            foreach (var retiring in state.Programs[0].Retiring.Where(i => i.IsLive).ToList())
            {
                Add(new Message.Exited(retiring.RunId!.Value, 143, At(at + 700)));
            }
        }

        return messages;

        void Add(Message message)
        {
            messages.Add(message);
            state = Decider.Reduce(state, message).State;
        }
    }

    private static JournalRecord Read(string line) => JournalLines.Read(Encoding.UTF8.GetBytes(line));

    /// <summary>A line as the journal seals it: the checksum of the object, added before its closing brace.</summary>
    private static string Sealed(string json) =>
        $"{json[..^1]},\"crc\":\"{Crc32.HashToUInt32(Encoding.UTF8.GetBytes(json)):x8}\"}}\n";

    private static string Json(EngineState state) => System.Text.Json.JsonSerializer.Serialize(state, JournalJson.Default.EngineState);
}
