using System.Collections.Frozen;
using System.Security.Cryptography;

namespace KrustPm.Host.Dashboard;

/// <summary>
/// The dashboard's static files (<c>Dashboard/wwwroot/*</c>), embedded in krust-pm and read once: plain HTML, CSS
/// and JavaScript modules, so krust-pm needs neither a folder beside it nor the static-file middleware (whose file
/// providers and content-type tables would cost the native binary more than these few files).
/// </summary>
internal sealed class DashboardAssets
{
    /// <summary>The manifest-name prefix the project file gives every dashboard file.</summary>
    public const string ResourcePrefix = "KrustPm.Host.Dashboard.wwwroot.";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, Asset> _files;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                throw new InvalidOperationException($"The dashboard file {name} has no known content type.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            files[name] = new Asset(bytes, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8))}\"");
        }

        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The names of every file (<c>index.html</c>, <c>app.js</c>...).</summary>
    public IEnumerable<string> Names => _files.Keys;

    /// <summary>The file named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public Asset? Find(string name) => _files.GetValueOrDefault(name);

    /// <summary>One file: its bytes, its content type, and an entity tag that changes with its bytes.</summary>
    internal sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
