using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// Spans per submission (issue 23, item 5): a few submissions of the window carry a W3C <c>traceparent</c> of the
/// harness's own, sampled, so every service records their whole trace whatever its sampling ratio (the sampler follows
/// the caller's decision); once the pipeline has settled, each trace is read back from the dashboard's telemetry API
/// (<c>/api/telemetry/traces/{traceId}</c>, the collector the services export to) and its spans counted: Intake's
/// request, the relays, every consumer and the portal sync that follow from it. Null when no dashboard answers (the
/// end-to-end suite's system has none).
/// </summary>
public sealed class TraceSpans(int every, int most)
{
    private readonly ConcurrentQueue<string> _traces = new();

    /// <summary>A sampled traceparent for the <paramref name="i"/>-th operation when it is one of those traced, else null.</summary>
    public string? ParentFor(int i)
    {
        if (i % every != every / 2 || _traces.Count >= most) return null;
        var trace = ActivityTraceId.CreateRandom().ToHexString();
        _traces.Enqueue(trace);
        return $"00-{trace}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
    }

    /// <summary>
    /// Spans of each traced operation found on the dashboard; null when none could be read. Services export in batches
    /// (every second or more), so a trace may still be growing when the pipeline has settled: the traces are read until
    /// two readings two seconds apart agree (at most 30 s).
    /// </summary>
    public async Task<SpanCount?> CountAsync(Uri? dashboard, CancellationToken ct)
    {
        if (dashboard is null || _traces.IsEmpty) return null;
        using var http = new HttpClient { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(10) };
        List<(string Trace, int Spans)>? last = null;
        for (var reading = 0; reading < 15; reading++)
        {
            var counts = await ReadAsync(http, ct);
            if (counts is null) return null;
            if (last is not null && counts.Sum(c => c.Spans) == last.Sum(c => c.Spans)) break;
            last = counts;
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
        if (last is not { Count: > 0 }) return null;
        var ordered = last.OrderBy(c => c.Spans).ToList();
        return new SpanCount(_traces.Count, last.Count, Math.Round(last.Average(c => c.Spans), 1), ordered[0].Spans, ordered[^1].Spans,
            ordered[0].Trace, ordered[^1].Trace);
    }

    private async Task<List<(string Trace, int Spans)>?> ReadAsync(HttpClient http, CancellationToken ct)
    {
        var counts = new List<(string Trace, int Spans)>();
        foreach (var trace in _traces)
        {
            try
            {
                using var response = await http.GetAsync($"/api/telemetry/traces/{trace}", ct);
                if (!response.IsSuccessStatusCode) continue; // evicted, or never recorded
                using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
                var spans = json.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray()
                    .SelectMany(r => r.GetProperty("scopeSpans").EnumerateArray()).Sum(s => s.GetProperty("spans").GetArrayLength());
                if (spans > 0) counts.Add((trace, spans));
            }
            catch (HttpRequestException)
            {
                return null; // no dashboard there
            }
        }
        return counts;
    }
}

/// <summary>How many operations were traced, how many traces the dashboard still held, their spans, and the smallest and largest trace (to look at).</summary>
public sealed record SpanCount(int Traced, int Found, double Mean, int Min, int Max, string SmallestTrace, string LargestTrace);
