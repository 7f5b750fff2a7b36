using System.Text;

namespace KrustPm.Host.Import;

/// <summary>
/// Writes literal text into a krust-pm <c>command</c>, which is split like a shell line and then expanded: a
/// <c>$</c> is written <c>$$</c> where krust-pm would expand it (outside single quotes, not after a backslash),
/// braces are doubled everywhere (placeholders expand in every word), and a variable reference goes in as
/// <c>${X}</c>, or <c>'"${X}"'</c> inside single quotes (where krust-pm, like a shell, expands nothing). Keeps the
/// quoting state across the pieces of one command.
/// </summary>
internal sealed class CommandEscaper
{
    private readonly StringBuilder _text = new();
    private bool _single;
    private bool _double;
    private bool _escaped;

    /// <summary>Adds literal text, as the other tool passed it to its own splitter.</summary>
    public void Literal(string text)
    {
        foreach (var c in text)
        {
            if (c is '{' or '}')
            {
                _text.Append(c).Append(c);
                _escaped = false;
                continue;
            }

            if (_escaped)
            {
                _text.Append(c);
                _escaped = false;
                continue;
            }

            switch (c)
            {
                case '\\' when !_single:
                    _escaped = true;
                    break;
                case '\'' when !_double:
                    _single = !_single;
                    break;
                case '"' when !_single:
                    _double = !_double;
                    break;
                case '$' when !_single:
                    _text.Append('$');
                    break;
            }

            _text.Append(c);
        }
    }

    /// <summary>Adds a reference to a variable of krust-pm's environment, expanded when krust-pm reads the file.</summary>
    public void Variable(string name) => _text.Append(_single ? $"'\"${{{name}}}\"'" : $"${{{name}}}");

    /// <summary>Adds a placeholder (<c>{index}</c>, <c>{port}</c>) as it is.</summary>
    public void Placeholder(string placeholder) => _text.Append(placeholder);

    public override string ToString() => _text.ToString();

    /// <summary>A whole command line of literal text.</summary>
    public static string Escape(string command)
    {
        var escaper = new CommandEscaper();
        escaper.Literal(command);
        return escaper.ToString();
    }
}
