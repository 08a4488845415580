using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Procedures.EndToEnd.Tests.Readme;

/// <summary>What one executed <c>curl</c> got: the address it called, the status and the body.</summary>
public sealed record CallRecord(string Url, int Status, string Body);

/// <summary>
/// Runs README blocks with <c>bash -euo pipefail</c> in a scratch folder, one after another, as one reader's terminal:
/// the variables a block sets (TOKEN, CODE…) are there for the next one. Each block is its own bash process, so the
/// test can wait between blocks for what a reader's pause gives (a dossier mirrored); the variables are carried over
/// with <c>declare -p</c>. A prelude shadows <c>curl</c> with a function that records each call's status and body and
/// still prints the body, so the README's plain curl, its pipes and its <c>$(…)</c> work unchanged.
/// </summary>
public sealed partial class ExampleShell : IDisposable
{
    private const string Prelude = """
        # Each curl: status and body into calls/N.*, the body to stdout as curl -s would print it.
        curl() {
          local n status url="" __arg
          n=$(( $(cat "$__calls/count") + 1 )); echo "$n" > "$__calls/count"
          for __arg in "$@"; do case "$__arg" in http://*|https://*) url=$__arg;; esac; done
          status=$(command curl -o "$__calls/$n.body" -w '%{http_code}' "$@") || status=000
          printf '%s\n' "$url" > "$__calls/$n.url"; printf '%s\n' "$status" > "$__calls/$n.status"
          if [ -f "$__calls/$n.body" ]; then command cat "$__calls/$n.body"; fi
          [ "$status" != 000 ]
        }
        """;

    private const string Runner = """
        __dir=$(cd "$(dirname "$0")" && pwd); __calls=$__dir/calls
        __before=$(compgen -v)
        source "$__dir/prelude.sh"
        if [ -f "$__dir/state.sh" ]; then source "$__dir/state.sh"; fi
        source "$1"
        # The variables the README set so far, for the next block (as a reader's terminal keeps them).
        for __v in $(compgen -v); do
          case "$__v" in __*) continue;; esac
          if ! grep -qx "$__v" <<<"$__before"; then declare -p "$__v"; fi
        done > "$__dir/state.next"
        mv "$__dir/state.next" "$__dir/state.sh"
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("readme-examples-").FullName;
    private int _blocks;
    private int _calls;

    public ExampleShell()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "calls"));
        File.WriteAllText(Path.Combine(_dir, "calls", "count"), "0\n");
        File.WriteAllText(Path.Combine(_dir, "prelude.sh"), Prelude);
        File.WriteAllText(Path.Combine(_dir, "run.sh"), Runner);
    }

    /// <summary>Runs one block; answers bash's exit code, its output, and the calls it made.</summary>
    public async Task<(int ExitCode, string Output, IReadOnlyList<CallRecord> Calls)> RunAsync(string block, TimeSpan timeout)
    {
        var file = Path.Combine(_dir, $"block-{++_blocks}.sh");
        await File.WriteAllTextAsync(file, block);
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", Path.Combine(_dir, "run.sh"), file])
        {
            WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try { await bash.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException) { bash.Kill(entireProcessTree: true); throw new TimeoutException($"A README block ran over {timeout}:\n{block}"); }
        var calls = new List<CallRecord>();
        var count = int.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "calls", "count")), System.Globalization.CultureInfo.InvariantCulture);
        for (; _calls < count; _calls++)
        {
            string Read(string ext) => File.Exists(Path.Combine(_dir, "calls", $"{_calls + 1}.{ext}"))
                ? File.ReadAllText(Path.Combine(_dir, "calls", $"{_calls + 1}.{ext}")) : "";
            calls.Add(new CallRecord(Read("url").Trim(), int.TryParse(Read("status"), out var s) ? s : 0, Read("body")));
        }
        return (bash.ExitCode, (await stdout) + (await stderr), calls);
    }

    /// <summary>The values of the README's variables after the last block (from its <c>declare -p</c> lines).</summary>
    public IReadOnlyDictionary<string, string> Variables()
    {
        var state = Path.Combine(_dir, "state.sh");
        if (!File.Exists(state)) return new Dictionary<string, string>();
        return DeclaredVariable().Matches(File.ReadAllText(state)).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [GeneratedRegex("""^declare -[-x] (?<name>\w+)="(?<value>[^"]*)"$""", RegexOptions.Multiline)]
    private static partial Regex DeclaredVariable();
}
