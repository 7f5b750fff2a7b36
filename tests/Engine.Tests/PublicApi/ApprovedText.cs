namespace KrustPm.Engine.Tests.PublicApi;

/// <summary>
/// Compares text with an approved file. A difference (or a missing file) fails and writes the new text to
/// <c>*.received.txt</c> beside it, to read and rename when the change is meant; under <c>CI=true</c> nothing is
/// written and a missing approved file fails too.
/// </summary>
internal static class ApprovedText
{
    public static void Verify(string actual, string approvedPath)
    {
        actual = actual.ReplaceLineEndings("\n").TrimEnd() + "\n";
        var receivedPath = Path.ChangeExtension(approvedPath, null).Replace(".approved", string.Empty, StringComparison.Ordinal) + ".received.txt";
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : null;
        if (approved == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        if (!Snap.IsCi)
        {
            File.WriteAllText(receivedPath, actual);
        }

        var firstDifference = approved is null ? null : FirstDifferentLine(approved, actual);
        Assert.Fail(approved is null
            ? $"{approvedPath} does not exist. Read {receivedPath}, and if it shows the intended public API, rename it to the approved file and commit it."
            : $"The public API changed (first difference: {firstDifference}). If the change is intended, replace {approvedPath} with {receivedPath} and commit it; CI=true writes no received file.");
    }

    private static string FirstDifferentLine(string approved, string actual)
    {
        var expectedLines = approved.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var expected = i < expectedLines.Length ? expectedLines[i] : "<end>";
            var got = i < actualLines.Length ? actualLines[i] : "<end>";
            if (expected != got)
            {
                return $"line {i + 1}: approved '{expected.Trim()}', now '{got.Trim()}'";
            }
        }

        return "none";
    }
}
