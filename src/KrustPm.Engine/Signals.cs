namespace KrustPm.Engine;

/// <summary>Linux signal numbers the engine uses, and their names.</summary>
public static class Signals
{
    /// <summary>SIGHUP.</summary>
    public const int Hangup = 1;

    /// <summary>SIGINT.</summary>
    public const int Interrupt = 2;

    /// <summary>SIGQUIT.</summary>
    public const int Quit = 3;

    /// <summary>SIGKILL: cannot be caught; used when a stop times out.</summary>
    public const int Kill = 9;

    /// <summary>SIGUSR1.</summary>
    public const int User1 = 10;

    /// <summary>SIGUSR2.</summary>
    public const int User2 = 12;

    /// <summary>SIGTERM: the default stop signal.</summary>
    public const int Terminate = 15;

    private static readonly (string Name, int Number)[] Known =
    [
        ("HUP", Hangup), ("INT", Interrupt), ("QUIT", Quit), ("KILL", Kill),
        ("USR1", User1), ("USR2", User2), ("TERM", Terminate),
    ];

    /// <summary>Signals that end processes by themselves, named in exit descriptions only.</summary>
    private static readonly (string Name, int Number)[] Others = [("ILL", 4), ("ABRT", 6), ("BUS", 7), ("FPE", 8), ("SEGV", 11), ("PIPE", 13), ("ALRM", 14)];

    /// <summary>Parses a signal name such as <c>TERM</c> or <c>SIGTERM</c> (any case).</summary>
    /// <param name="name">The name to parse.</param>
    /// <param name="signal">The signal number when the name is known.</param>
    /// <returns>Whether the name is a known signal.</returns>
    public static bool TryParse(string name, out int signal)
    {
        var bare = name.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? name[3..] : name;
        foreach (var (known, number) in Known)
        {
            if (string.Equals(known, bare, StringComparison.OrdinalIgnoreCase))
            {
                signal = number;
                return true;
            }
        }

        signal = 0;
        return false;
    }

    /// <summary>The name of a signal (<c>TERM</c>), or its number when it has no name here.</summary>
    /// <param name="signal">The signal number.</param>
    /// <returns>The name.</returns>
    public static string NameOf(int signal)
    {
        foreach (var (name, number) in Known.Concat(Others))
        {
            if (number == signal)
            {
                return name;
            }
        }

        return signal.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// How a process ended, from its exit code as the launcher reports it (128 + N when killed by signal N, as .NET
    /// reports it): <c>exited with code 3</c> or <c>killed by signal 9 (SIGKILL)</c>.
    /// </summary>
    /// <param name="exitCode">The exit code.</param>
    /// <returns>The description.</returns>
    public static string DescribeExit(int exitCode) => exitCode is > 128 and < 160
        ? $"killed by signal {exitCode - 128} (SIG{NameOf(exitCode - 128)})"
        : $"exited with code {exitCode}";

    /// <summary>The names accepted by <see cref="TryParse"/>, for error messages.</summary>
    public static IEnumerable<string> Names => Known.Select(k => k.Name);
}
