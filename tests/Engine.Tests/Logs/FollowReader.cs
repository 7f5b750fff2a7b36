using KrustPm.Engine.Logs;

namespace KrustPm.Engine.Tests.Logs;

/// <summary>Reads a follower's lines one at a time, each read bounded in time.</summary>
internal sealed class FollowReader(OutputFollower follower) : IAsyncDisposable
{
    private readonly CancellationTokenSource _limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private IAsyncEnumerator<string>? _lines;

    /// <summary>The next line; fails the test when none comes within the time limit or the follower ended.</summary>
    public async Task<string> NextAsync(TimeSpan? timeout = null)
    {
        _lines ??= follower.ReadLinesAsync(_limit.Token).GetAsyncEnumerator(_limit.Token);
        _limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        Assert.True(await _lines.MoveNextAsync(), "the follower ended");
        return _lines.Current;
    }

    /// <summary>Lines until (and including) the first that matches.</summary>
    public async Task<List<string>> UntilAsync(Func<string, bool> last)
    {
        var lines = new List<string>();
        do
        {
            lines.Add(await NextAsync());
        }
        while (!last(lines[^1]));

        return lines;
    }

    /// <summary>The remaining lines of a follower that has been disposed (fails the test if it does not end).</summary>
    public async Task<List<string>> RestAsync()
    {
        _lines ??= follower.ReadLinesAsync(_limit.Token).GetAsyncEnumerator(_limit.Token);
        _limit.CancelAfter(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        while (await _lines.MoveNextAsync())
        {
            lines.Add(_lines.Current);
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        if (_lines is not null)
        {
            await _lines.DisposeAsync();
        }

        _limit.Dispose();
    }
}
