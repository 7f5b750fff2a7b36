using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Xml.Linq;

namespace KrustPm.Packaging.Tests;

/// <summary>A .nupkg opened as the zip it is: its file list, its nuspec, a file's text.</summary>
internal sealed class NuGetPackage : IDisposable
{
    /// <summary>The kind of a portable PDB's Source Link record (see the Portable PDB specification).</summary>
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    private readonly ZipArchive _zip;

    public NuGetPackage(string path)
    {
        Assert.True(File.Exists(path), $"no package at {path}");
        _zip = ZipFile.OpenRead(path);
        var nuspec = Assert.Single(_zip.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = nuspec.Open();
        Nuspec = XDocument.Load(stream);
    }

    public XDocument Nuspec { get; }

    public IReadOnlyList<string> Files => [.. _zip.Entries.Select(e => e.FullName)];

    /// <summary>A metadata element (namespaces vary with the nuspec schema version: matched by local name).</summary>
    public XElement? Metadata(string name) => Nuspec.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == "metadata")
        ?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public string? MetadataValue(string name) => Metadata(name)?.Value;

    public string ReadText(string entry)
    {
        var file = _zip.GetEntry(entry) ?? throw new InvalidOperationException($"no {entry} in the package; it holds: {string.Join(", ", Files)}");
        using var reader = new StreamReader(file.Open());
        return reader.ReadToEnd();
    }

    /// <summary>The Source Link JSON of a portable PDB in the package (where a debugger fetches each source file).</summary>
    public string SourceLink(string pdbEntry)
    {
        var entry = _zip.GetEntry(pdbEntry) ?? throw new InvalidOperationException($"no {pdbEntry} in the package; it holds: {string.Join(", ", Files)}");
        using var pdb = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var blob = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == SourceLinkKind)
            .Select(info => reader.GetBlobBytes(info.Value))
            .FirstOrDefault() ?? throw new InvalidOperationException($"{pdbEntry} has no Source Link");
        return Encoding.UTF8.GetString(blob);
    }

    public void Dispose() => _zip.Dispose();
}
