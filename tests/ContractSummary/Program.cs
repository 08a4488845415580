using System.Text.Json;
using Procedures.TestInfrastructure;
using Procedures.TestInfrastructure.Contract;

// The contract check's summary of a test run: every test process appended its checked answers and violations to the
// report folder (ContractLedger); this merges them with the committed documents (docs/openapi/*.json).
//   dotnet tests/ContractSummary/bin/Debug/net10.0/Procedures.ContractSummary.dll [folder]   (default: CONTRACT_REPORT_DIR)
var folder = args.FirstOrDefault() ?? ContractLedger.DefaultFolder;
var documents = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs", "openapi"), "*.json").Order(StringComparer.Ordinal)
    .Select(f => ContractDocument.Parse(Path.GetFileNameWithoutExtension(f), File.ReadAllText(f))).ToList();
var documented = documents.SelectMany(d => d.Operations).ToList();

var answers = Directory.Exists(folder)
    ? Directory.GetFiles(folder, "answers-*.tsv").SelectMany(File.ReadLines).Select(l => l.Split('\t')).Where(f => f.Length == 4)
        .Select(f => new CheckedAnswer(f[0], f[1], f[2], int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture))).ToList()
    : [];
var violations = Directory.Exists(folder)
    ? Directory.GetFiles(folder, "violations-*.jsonl").SelectMany(File.ReadLines).Where(l => l.Length > 0)
        .Select(l => JsonSerializer.Deserialize<ContractViolation>(l)!).ToList()
    : [];

var reached = answers.Select(a => new ContractOperation(a.Service, a.Method, a.Template)).ToHashSet();
var unreached = documented.Where(o => !reached.Contains(o)).ToList();
Console.WriteLine($"Contract check: {answers.Count} answers checked; {documented.Count - unreached.Count} of {documented.Count} documented operations "
                  + $"reached ({documents.Count} documents); {violations.Count} violation(s).");
// What the checks that must cover every operation (or account) covered, each as its test recorded it.
foreach (var line in CoverageLines.ReadAll(folder)) Console.WriteLine("Coverage: " + line);
if (unreached.Count > 0)
{
    Console.WriteLine($"  Documented operations no test reached ({unreached.Count}):");
    foreach (var o in unreached) Console.WriteLine($"    {o.Service} {o.Method} {o.Template}");
}
if (violations.Count > 0)
{
    Console.WriteLine("  Violations by service, operation, status and kind (count, first detail):");
    foreach (var g in violations.GroupBy(v => (v.Service, v.Method, v.Template, v.Status, v.Kind)).OrderBy(g => g.Key.Service, StringComparer.Ordinal)
                 .ThenBy(g => g.Key.Template, StringComparer.Ordinal).ThenBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.Status))
        Console.WriteLine($"    {g.Key.Service} {g.Key.Method} {g.Key.Template} {g.Key.Status} {g.Key.Kind} ×{g.Count()}: {g.First().Details.FirstOrDefault()}");
}
