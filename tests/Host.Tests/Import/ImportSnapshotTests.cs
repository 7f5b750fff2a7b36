using KrustPm.Host.Import;
using Snapshooter;
using Snapshooter.Xunit3;

namespace KrustPm.Host.Tests.Import;

/// <summary>The krust-pm.toml each fixture translates to, as a whole (comments included).</summary>
public sealed class ImportSnapshotTests : IDisposable
{
    private readonly ImportFixtures _fixtures = new();

    public void Dispose() => _fixtures.Dispose();

    [Theory]
    [InlineData("gunicorn-nginx")]
    [InlineData("celery")]
    [InlineData("includes")]
    [InlineData("cron-jobs")]
    [InlineData("logs-env")]
    public void A_supervisord_file_translates_to_its_snapshot(string fixture)
    {
        var toml = SupervisordImport.Translate(_fixtures.PathOf($"supervisord/{fixture}/supervisord.conf")).ToToml("supervisord");

        Snapshot.Match(_fixtures.Portable(toml).Split('\n'), SnapshotNameExtension.Create(fixture));
    }

    [Theory]
    [InlineData("node-api-cluster.json")]
    [InlineData("queue-workers.yaml")]
    [InlineData("cron-jobs.json")]
    [InlineData("nextjs-and-static.yml")]
    [InlineData("process.json")]
    public void A_pm2_file_translates_to_its_snapshot(string fixture)
    {
        var toml = Pm2Import.Translate(_fixtures.PathOf($"pm2/{fixture}")).ToToml("PM2");

        Snapshot.Match(_fixtures.Portable(toml).Split('\n'), SnapshotNameExtension.Create(fixture));
    }
}
