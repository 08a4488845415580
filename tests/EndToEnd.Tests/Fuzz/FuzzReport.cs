using System.Globalization;
using System.Text;

namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>Readable summaries: what was sent and answered, and the violations grouped then exemplified.</summary>
public static class FuzzReport
{
    public static string Summary(int seed, TimeSpan elapsed, IReadOnlyList<FuzzEndpoint> endpoints, IReadOnlyList<Outcome> outcomes)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Fuzz seed {seed} (rerun with FUZZ_SEED={seed}): {outcomes.Count} requests in {elapsed.TotalSeconds:0.0} s " +
            $"({outcomes.Count / Math.Max(elapsed.TotalSeconds, 0.001):0} req/s), {endpoints.Count} endpoints discovered.");
        sb.AppendLine();
        sb.AppendLine("Requests and answers per target (status×count):");
        foreach (var target in outcomes.GroupBy(o => o.Request.Target).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var statuses = string.Join(' ', target.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {target.Key,-58} {target.Count(),5}  {statuses}");
        }
        sb.AppendLine();
        sb.AppendLine("Problem types answered (status, type, count):");
        foreach (var type in outcomes.Where(o => o.ProblemType is not null).GroupBy(o => (o.Status, o.ProblemType))
                     .OrderBy(g => g.Key.Status).ThenBy(g => g.Key.ProblemType, StringComparer.Ordinal))
        {
            var foreign = type.Key.ProblemType!.StartsWith(Oracle.ProjectProblemPrefix, StringComparison.Ordinal) ? "" : "   ← not a urn:procedures:problem type";
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {type.Key.Status} {type.Key.ProblemType,-60} {type.Count(),5}{foreign}");
        }
        sb.AppendLine();
        sb.AppendLine("Authentication mix: " + string.Join(", ", outcomes.GroupBy(o => o.Request.Auth).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}")));
        sb.AppendLine("Body mutations: " + string.Join(", ", outcomes
            .Select(o => o.Request.Mutation.Split(' ').FirstOrDefault(m => m.StartsWith("body:", StringComparison.Ordinal)))
            .Where(m => m is not null).GroupBy(m => m!).OrderByDescending(g => g.Count()).Select(g => $"{g.Key[5..]} {g.Count()}")));
        var slowest = outcomes.OrderByDescending(o => o.Milliseconds).First();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Latency: median {Percentile(outcomes, 0.5):0} ms, p99 {Percentile(outcomes, 0.99):0} ms, max {slowest.Milliseconds:0} ms ({slowest.Request.Method} {Preview.Of(slowest.Request.PathAndQuery, 80)}).");
        var created = string.Concat(outcomes.Where(o => o.Status == 201).GroupBy(o => o.Request.Target).Select(g => $"; {g.Key} {g.Count()}"));
        sb.AppendLine(CultureInfo.InvariantCulture, $"201 Created answers: {outcomes.Count(o => o.Status == 201)}{created}.");
        foreach (var note in outcomes.Where(o => o.Note is not null && o.Violation is null)
                     .GroupBy(o => o.Note!.Split(':')[0]).OrderByDescending(g => g.Count()))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"Allowed but noted — {note.Key}: {note.Count()}, e.g.");
            foreach (var o in note.GroupBy(o => o.Request.Target).Select(g => g.First()).Take(6))
                sb.AppendLine(CultureInfo.InvariantCulture, $"    {o.Status} ← {o.Request.Method} {Preview.Of(o.Request.PathAndQuery, 120)} [{o.Request.Target}]");
        }
        return sb.ToString();
    }

    public static string Violations(IReadOnlyList<Outcome> outcomes, IReadOnlyList<string> invariants, int examples = 30)
    {
        var bad = outcomes.Where(o => o.Violation is not null).OrderBy(o => o.Request.Target, StringComparer.Ordinal).ThenBy(o => o.Request.Index).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{bad.Count} of {outcomes.Count} answers break the rules; {invariants.Count} invariant(s) broken.");
        foreach (var invariant in invariants) sb.AppendLine("  INVARIANT: " + invariant);
        if (bad.Count == 0) return sb.ToString();

        var groups = bad.GroupBy(o => (Rule: Rule(o.Violation!), o.Request.Target)).OrderByDescending(g => g.Count()).ToList();
        sb.AppendLine("By rule and target:");
        foreach (var g in groups) sb.AppendLine(CultureInfo.InvariantCulture, $"  {g.Count(),5}  {g.Key.Rule,-45} {g.Key.Target}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"First {Math.Min(examples, bad.Count)} examples (one per group first):");
        var picked = new List<Outcome>();
        var queues = groups.Select(g => new Queue<Outcome>(g)).ToList();
        while (picked.Count < examples && queues.Any(q => q.Count > 0))
            foreach (var q in queues.Where(q => q.Count > 0))
                if (picked.Count < examples) picked.Add(q.Dequeue());
        foreach (var o in picked) sb.Append(Describe(o));
        return sb.ToString();
    }

    /// <summary>The report file: summary, violations, then every violating and every allowed-but-noted exchange.</summary>
    public static string Full(string summary, string violations, IReadOnlyList<Outcome> outcomes)
    {
        static IEnumerable<Outcome> Ordered(IEnumerable<Outcome> items)
            => items.OrderBy(o => o.Request.Target, StringComparer.Ordinal).ThenBy(o => o.Request.Index);
        return new StringBuilder()
            .AppendLine(summary).AppendLine(violations)
            .AppendLine("All violations:").AppendJoin("", Ordered(outcomes.Where(o => o.Violation is not null)).Select(Describe))
            .AppendLine().AppendLine("Allowed but noted:").AppendJoin("", Ordered(outcomes.Where(o => o.Violation is null && o.Note is not null)).Select(Describe))
            .ToString();
    }

    public static string Describe(Outcome o)
    {
        var r = o.Request;
        return new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"- #{r.Index} {r.Target} — {o.Violation}")
            .AppendLine(CultureInfo.InvariantCulture, $"    request : {r.Method} {Preview.Of(r.PathAndQuery, 200)}  [auth: {r.Auth}]")
            .AppendLine(CultureInfo.InvariantCulture, $"    hostile : {Preview.Of(r.Mutation, 200)}")
            .AppendLine(CultureInfo.InvariantCulture, $"    body    : {r.BodyPreview()}")
            .AppendLine(CultureInfo.InvariantCulture, $"    headers : {string.Join("; ", r.Headers.Select(h => $"{h.Key}: {Preview.Of(h.Value, 60)}"))}")
            .AppendLine(CultureInfo.InvariantCulture, $"    answer  : {o.Status} {o.MediaType ?? "(no content type)"} {o.ResponsePreview}")
            .Append(o.Note is null ? "" : $"    note    : {o.Note}{Environment.NewLine}")
            .ToString();
    }

    /// <summary>The rule without request-specific numbers, for grouping.</summary>
    private static string Rule(string violation) => violation.Length > 45 ? violation[..45] : violation;

    private static double Percentile(IReadOnlyList<Outcome> outcomes, double p)
    {
        var sorted = outcomes.Select(o => o.Milliseconds).Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }
}
