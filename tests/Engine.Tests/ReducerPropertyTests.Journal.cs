using System.Buffers;
using System.Text.Json;
using KrustPm.Engine.Journal;

namespace KrustPm.Engine.Tests;

/// <summary>
/// The journal's side of the walk: every event goes through the journal's line format (written, checksummed, read
/// back), now and then a segment begins with a snapshot of the live state (written and read back too), and at the end
/// the fold of what was read, from the last snapshot and from the very start, must be the live state exactly.
/// </summary>
public partial class ReducerPropertyTests
{
    private sealed partial class Walk
    {
        private readonly ArrayBufferWriter<byte> _lines = new();
        private readonly List<JournalRecord> _read = [];
        private EngineState? _snapshot;
        private int _snapshotAt;

        private void Journal(Decision decision)
        {
            var first = decision.State.LastEventId - decision.Events.Length + 1;
            using var json = new Utf8JsonWriter(_lines);
            for (var index = 0; index < decision.Events.Length; index++)
            {
                var start = _lines.WrittenCount;
                JournalLines.Write(_lines, json, new JournalRecord(first + index, decision.State.Version, decision.Events[index]));
                var line = _lines.WrittenSpan[start..^1];
                Check(JournalLines.IsIntact(line), $"the journal line of event {first + index} fails its own checksum");
                _read.Add(JournalLines.Read(line));
            }

            // A segment begins every so often: the live state goes through the header's format.
            if (_step % 23 == 0)
            {
                var start = _lines.WrittenCount;
                JournalLines.WriteHeader(_lines, json, new SegmentHeader("krust-pm", FileJournal.Schema, _step, _now, _state));
                _snapshot = JournalLines.ReadHeader(_lines.WrittenSpan[start..^1]).State;
                _snapshotAt = _read.Count;
            }
        }

        private void CheckJournalFold()
        {
            var folded = JournalFold.Fold(EngineState.Empty, _read);
            Check(StateView.Facts(folded) == StateView.Facts(_state), $"the fold of the journal from the start is not the live state:\n{StateView.Facts(folded)}\n{StateView.Facts(_state)}");
            Check(Json(folded) == Json(_state), $"the fold of the journal from the start differs from the live state in its full JSON");
            if (_snapshot is not null)
            {
                var fromSnapshot = JournalFold.Fold(_snapshot, _read.Skip(_snapshotAt));
                Check(Json(fromSnapshot) == Json(_state), $"the fold of the journal from its last snapshot is not the live state");
            }

            coverage.JournalRecords += _read.Count;
        }

        /// <summary>The whole state, as the journal's snapshots write it (every field, the internal ones too).</summary>
        private static string Json(EngineState state) => JsonSerializer.Serialize(state, JournalJson.Default.EngineState);
    }
}
