namespace KrustPm.Engine;

/// <summary>A program built from one command line, as a configuration file gives it.</summary>
public sealed partial record ProgramSpec
{
    /// <summary>
    /// A program that runs <paramref name="commandLine"/>, split into its argv by the shell's quoting rules
    /// (<see cref="CommandSplitter"/>: quotes and backslashes, no shell, no variable expansion), with the command line
    /// kept as written for <see cref="Command"/>. Every other setting is the default; derive with <c>with</c>.
    /// </summary>
    /// <example><c>ProgramSpec.FromCommandLine("web", "python3 -m http.server 8000 --bind '127.0.0.1'")</c>.</example>
    /// <param name="name">The program's name.</param>
    /// <param name="commandLine">The command line.</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentException">The command line does not split (an unterminated quote, a trailing
    /// backslash, no word at all); the message says why and where.</exception>
    public static ProgramSpec FromCommandLine(string name, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(commandLine);
        return CommandSplitter.TrySplit(commandLine, out var argv, out var error)
            ? new ProgramSpec(name, commandLine, argv)
            : throw new ArgumentException($"the command line of program {ProgramRules.Quote(name)} does not split into words: {error}", nameof(commandLine));
    }
}
