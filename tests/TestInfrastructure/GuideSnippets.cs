using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace Procedures.TestInfrastructure;

/// <summary>
/// The code blocks of a guide in docs/, taken as written, and a way to run one as its own program (the runtime named
/// must be installed: a missing one fails the test, it is not skipped).
/// </summary>
public static partial class GuideSnippets
{
    public static string Read(string guide) => File.ReadAllText(System.IO.Path.Combine(RepositoryRoot.Path, "docs", guide));

    /// <summary>The one <paramref name="language"/> block of <paramref name="guide"/> that contains <paramref name="marker"/>.</summary>
    public static string Block(string guide, string language, string marker)
        => Assert.Single(Block().Matches(Read(guide)),
            m => m.Groups["language"].Value == language && m.Groups["code"].Value.Contains(marker, StringComparison.Ordinal)).Groups["code"].Value;

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>, <paramref name="input"/> on its standard input; its standard output, trimmed.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, string input, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}\n{await output}");
        return (await output).Trim();
    }

    [GeneratedRegex(@"```(?<language>\w+)\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
