using System.CommandLine;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm completion bash|zsh|fish</c>: prints a script that completes krust-pm's command line in that shell.
/// Each script asks krust-pm itself, through System.CommandLine's <c>[suggest:POSITION]</c> directive, so commands,
/// options, program names (<see cref="ProgramNameCompletions"/>) and signal names complete as the parser sees them:
/// nothing to keep in step by hand.
/// </summary>
internal static class CompletionCommand
{
    // Each script hands krust-pm the line up to the cursor without its first word (the command as typed: krust-pm,
    // ./krust-pm, a full path), and the cursor's position in that text.
    private const string Bash = """
        # krust-pm completion for bash: source <(krust-pm completion bash), or save it in
        # /etc/bash_completion.d/krust-pm (or ~/.local/share/bash-completion/completions/krust-pm).
        _krust_pm_complete() {
            local line="${COMP_LINE:0:$COMP_POINT}"
            local rest="${line#"${COMP_WORDS[0]}"}"
            rest="${rest#"${rest%%[![:space:]]*}"}"
            local current="${line##*[[:space:]]}"
            local IFS=$'\n'
            local suggestion
            COMPREPLY=()
            for suggestion in $("${COMP_WORDS[0]}" "[suggest:${#rest}]" "$rest" 2>/dev/null); do
                if [[ "$suggestion" == "$current"* ]]; then
                    # bash splits words at ':' (COMP_WORDBREAKS): only what follows the last ':' typed is replaced
                    if [[ "$current" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
                        suggestion="${suggestion#"${current%:*}":}"
                    fi
                    COMPREPLY+=("$suggestion")
                fi
            done
        }
        complete -o default -F _krust_pm_complete krust-pm
        """;

    private const string Zsh = """
        #compdef krust-pm
        # krust-pm completion for zsh: source <(krust-pm completion zsh), or save it as _krust-pm in a folder of $fpath.
        _krust_pm() {
            local line="${BUFFER[1,CURSOR]}"
            local rest="${line#${words[1]}}"
            rest="${rest##[[:space:]]#}"
            local -a suggestions
            suggestions=("${(@f)$("${words[1]}" "[suggest:${#rest}]" "$rest" 2>/dev/null)}")
            compadd -- ${suggestions:#}
        }
        if (( $+functions[compdef] )); then
            compdef _krust_pm krust-pm
        fi
        """;

    private const string Fish = """
        # krust-pm completion for fish: krust-pm completion fish > ~/.config/fish/completions/krust-pm.fish
        function __krust_pm_complete
            set -l tokens (commandline -opc)
            set -l line (commandline -cp)
            set -l rest (string replace -r -- '^\s*\S+\s*' '' $line)
            $tokens[1] "[suggest:"(string length -- "$rest")"]" "$rest" 2>/dev/null
        end
        complete -c krust-pm -f -a '(__krust_pm_complete)'
        """;

    public static void Add(RootCommand root)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command(
            "completion",
            "Print a script that completes krust-pm's commands, options, program names and signals in bash, zsh or fish: e.g. source <(krust-pm completion bash).")
        {
            shell,
        };
        command.SetAction(parse =>
        {
            Console.Out.WriteLine(parse.GetValue(shell) switch
            {
                "zsh" => Zsh,
                "fish" => Fish,
                _ => Bash,
            });
            return KrustPmCommandLine.ExitOk;
        });
        root.Subcommands.Add(command);
    }
}
