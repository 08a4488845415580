using Procedures.Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- <scenario> [options]
// Scenarios: overdue-scan [--dossiers N] [--due N] [--json FILE]
var scenario = args.FirstOrDefault() ?? "overdue-scan";
var options = Options.Parse(args.Skip(1).ToArray());
switch (scenario)
{
    case "overdue-scan":
        await OverdueScanBenchmark.RunAsync(options);
        break;
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}'. Known: overdue-scan");
        return 2;
}
return 0;
