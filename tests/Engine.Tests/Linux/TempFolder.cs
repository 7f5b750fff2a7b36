namespace KrustPm.Engine.Tests.Linux;

/// <summary>Deletes a test's folder once the output copies of its runs, which end a moment after the runs, are done.</summary>
internal static class TempFolder
{
    public static async Task DeleteAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // A copy created a log file while the folder was being emptied: try again.
                await Task.Delay(20);
            }
        }
    }
}
