using System.Text.Json;

namespace Procedures.TestInfrastructure.Contract;

/// <summary>One checked answer: which documented operation answered, with which status.</summary>
public sealed record CheckedAnswer(string Service, string Method, string Template, int Status);

/// <summary>
/// Every checked answer and every violation of a test process. With a folder (the shared one: CONTRACT_REPORT_DIR, or
/// procedures-contract under the temp folder), each is appended at once to this process's own files there —
/// answers-*.tsv (service, method, template, status) and violations-*.jsonl — because xunit v2 has no end-of-assembly
/// hook that runs reliably; deploy/local/test.sh merges the folder into the run's summary (tests/ContractSummary).
/// </summary>
public sealed class ContractLedger
{
    /// <summary>Bodies and messages stay readable in the file (no \u escapes of quotes and Vietnamese letters).</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly object _gate = new();
    private readonly List<CheckedAnswer> _answers = [];
    private readonly List<ContractViolation> _violations = [];
    private readonly string? _answersFile;
    private readonly string? _violationsFile;

    public ContractLedger(string? folder)
    {
        Folder = folder;
        if (folder is null) return;
        Directory.CreateDirectory(folder);
        var name = $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        _answersFile = Path.Combine(folder, $"answers-{name}.tsv");
        _violationsFile = Path.Combine(folder, $"violations-{name}.jsonl");
    }

    /// <summary>The ledger of this test process, writing to CONTRACT_REPORT_DIR (default: procedures-contract in the temp folder).</summary>
    public static ContractLedger Shared { get; } = new(DefaultFolder);

    public static string DefaultFolder => Environment.GetEnvironmentVariable("CONTRACT_REPORT_DIR") is { Length: > 0 } folder
        ? folder
        : Path.Combine(Path.GetTempPath(), "procedures-contract");

    public string? Folder { get; }

    public IReadOnlyList<CheckedAnswer> Answers { get { lock (_gate) return [.. _answers]; } }

    public IReadOnlyList<ContractViolation> Violations { get { lock (_gate) return [.. _violations]; } }

    public void Record(CheckedAnswer answer)
    {
        lock (_gate)
        {
            _answers.Add(answer);
            if (_answersFile is not null)
                File.AppendAllText(_answersFile, $"{Clean(answer.Service)}\t{answer.Method}\t{Clean(answer.Template)}\t{answer.Status}\n");
        }
    }

    public void Record(ContractViolation violation)
    {
        lock (_gate)
        {
            _violations.Add(violation);
            if (_violationsFile is not null) File.AppendAllText(_violationsFile, JsonSerializer.Serialize(violation, Readable) + "\n");
        }
    }

    private static string Clean(string text) => text.Replace('\t', ' ').ReplaceLineEndings(" ");
}
