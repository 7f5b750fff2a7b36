namespace KrustPm.Engine.Journal;

/// <summary>What a <see cref="FileJournal"/> could not write, and whether it writes now.</summary>
/// <param name="Writing">Whether it writes now.</param>
/// <param name="DroppedRecords">How many records it could not write since it was opened.</param>
/// <param name="LastError">The last write error, if any.</param>
/// <param name="Segment">The segment it writes to, when it writes.</param>
public sealed record JournalHealth(bool Writing, long DroppedRecords, string? LastError, string? Segment);

public sealed partial class FileJournal
{
    /// <summary>A segment whose header could not be written holds nothing: it goes, so failed retries leave no files behind.</summary>
    private void DeleteTornSegment()
    {
        try
        {
            var path = JournalSegments.PathOf(_directory, _segment);
            if (File.Exists(path) && SegmentReader.ReadHeaderOnly(path) is null)
            {
                File.Delete(path);
                _segment--;
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Left for the reader, which passes over a segment without a readable header.
        }
    }

    /// <summary>A write failed: the segment is left as it is (its records so far stay readable) and the batch is counted as lost.</summary>
    private void Fail(Exception error, int records)
    {
        var first = _file is not null;
        Close();
        _dropped += records;
        _lastError = error.Message;
        _retryEvery = 1;
        _retryIn = 1;
        if (first)
        {
            Failed?.Invoke(error);
        }
    }

    /// <summary>
    /// After a failure, tries (less often as failures go on, at least every 64 batches) to begin a new segment with
    /// the state after this batch as its snapshot: the records lost in between are then not needed to rebuild it.
    /// </summary>
    private bool TryRecover(EngineState after, int records)
    {
        if (--_retryIn > 0)
        {
            _dropped += records;
            return false;
        }

        try
        {
            BeginSegment(after, DateTimeOffset.UtcNow);

            // This batch's records are not written, but its state is: the new segment's snapshot holds it.
            _dropped += records;
            Recovered?.Invoke(_dropped);
            return false;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Close();
            DeleteTornSegment();
            _dropped += records;
            _lastError = error.Message;
            _retryEvery = Math.Min(_retryEvery * 2, 64);
            _retryIn = _retryEvery;
            return false;
        }
    }
}
