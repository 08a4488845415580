using Procedures.Benchmarks;
using Procedures.Benchmarks.Load;

// dotnet run -c Release --project tests/Benchmarks -- <scenario> [options]
// Scenarios:
//   system        the whole-system benchmark against the running system (deploy/local/up.sh) — see BENCHMARKS.md
//                 [--start true] [--smoke true] [--concurrency 32] [--duration 60] [--rate N] [--lifecycle-concurrency 32]
//                 [--lifecycle-duration 90] [--half-rate-duration 60] [--limit-duration 20] [--facts 1000000] [--keep-facts true]
//                 [--fresh-data false] (with --start: keep the data of earlier runs instead of a fresh folder)
//                 [--trace-sample-ratio 0.1] (with --start: the services record that share of the traces they start)
//                 [--json FILE] [--markdown FILE|none]
//   overdue-scan  [--dossiers N] [--due N] [--json FILE]
var scenario = args.FirstOrDefault() ?? "system";
var options = Options.Parse(args.Skip(1).ToArray());
switch (scenario)
{
    case "system":
        return await SystemCommand.RunAsync(options);
    case "overdue-scan":
        await OverdueScanBenchmark.RunAsync(options);
        break;
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}'. Known: system, overdue-scan");
        return 2;
}
return 0;
