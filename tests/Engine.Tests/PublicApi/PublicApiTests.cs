using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace KrustPm.Engine.Tests.PublicApi;

/// <summary>
/// The engine's public surface, written out as C# and compared with the approved text committed next to this file,
/// so every change to what embedders can see shows up in review as a diff of <c>KrustPm.Engine.approved.txt</c>.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Public_api_matches_the_approved_text()
    {
        var actual = typeof(ProcessEngine).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
        });

        ApprovedText.Verify(actual, ApprovedPath());
    }

    [Fact]
    public void Linux_and_log_internals_stay_internal()
    {
        var exported = typeof(ProcessEngine).Assembly.GetExportedTypes().Select(type => type.Name).ToHashSet();

        Assert.DoesNotContain("LaunchPlan", exported);
        Assert.DoesNotContain("LaunchThread", exported);
        Assert.DoesNotContain("Guardian", exported);
        Assert.DoesNotContain("NativeMethods", exported);
        Assert.DoesNotContain("RotatingLogFile", exported);
    }

    private static string ApprovedPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "KrustPm.Engine.approved.txt");
}
