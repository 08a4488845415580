namespace Procedures.TestInfrastructure.Contract;

/// <summary>
/// How much a check that must cover "every operation" (or every account) covered, e.g. "isolation matrix: 76 operations ×
/// 2 cases". A passing test's output is not shown by `dotnet test`, so each line is also appended to the report folder
/// (CONTRACT_REPORT_DIR), and the run's summary (tests/ContractSummary, printed by test.sh) lists them.
/// </summary>
public static class CoverageLines
{
    private static readonly object Gate = new();

    public static void Record(string line)
    {
        Console.WriteLine(line);
        var folder = ContractLedger.DefaultFolder;
        lock (Gate)
        {
            Directory.CreateDirectory(folder);
            File.AppendAllText(Path.Combine(folder, $"coverage-{Environment.ProcessId}.txt"), line.ReplaceLineEndings(" ") + "\n");
        }
    }

    /// <summary>Every line recorded in <paramref name="folder"/>, in file order.</summary>
    public static IReadOnlyList<string> ReadAll(string folder)
        => Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, "coverage-*.txt").Order(StringComparer.Ordinal).SelectMany(File.ReadLines).Where(l => l.Length > 0)]
            : [];
}
