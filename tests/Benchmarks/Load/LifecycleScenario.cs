using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// One fee-bearing dossier's whole life, driven as the desk, the citizen and the portal see it (as PaymentTests and
/// LifecycleTests do): submit (201) → accept once Processing has recorded it → start processing → request payment →
/// the payment request reaches the platform → the citizen pays on the hosted page → Processing is back in processing →
/// decide → return the result → the national portal acknowledges status 10. Each stage is timed; end to end is from the
/// submission's start to the portal's acknowledgement. The harness learns that an asynchronous stage is done from the
/// system's own events (<see cref="StageEvents"/>), never by polling: its own requests are only the ones a desk, a citizen
/// and an agency system make, so what the run measures is the system's work.
/// </summary>
public sealed class LifecycleScenario(SystemApi api, AgencyClients clients, StageEvents events, TimeSpan stageTimeout)
{
    public static readonly string[] Stages = ["submit", "receive", "process", "request-payment", "pay", "decide", "return", "portal-ack", "end-to-end"];

    private readonly Dictionary<string, Latency> _stages = Stages.ToDictionary(s => s, _ => new Latency());
    private readonly ConcurrentDictionary<string, bool> _started = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Percentiles> StageLatencies() => _stages.ToDictionary(kv => kv.Key, kv => kv.Value.Summary());

    /// <summary>Codes submitted (201) and whether their life reached the portal's acknowledgement.</summary>
    public IReadOnlyDictionary<string, bool> Started => _started;

    public void Reset()
    {
        foreach (var l in _stages.Keys.ToList()) _stages[l] = new Latency();
        _started.Clear();
        events.Clear();
    }

    public async Task RunOneAsync(int i, CancellationToken ct)
    {
        var unit = clients.UnitFor(i);
        var token = await clients.TokenForAsync(unit);
        var clock = Stopwatch.StartNew();
        var mark = TimeSpan.Zero;
        void Stage(string name)
        {
            var now = clock.Elapsed;
            _stages[name].Add((now - mark).TotalMilliseconds);
            mark = now;
        }
        var code = await api.SubmitAsync(unit, token, SystemApi.FeeBearingProcedure, i, ct);
        async Task Act(string action)
        {
            var status = await api.ActAsync(code, action, token, ct);
            if (status != HttpStatusCode.OK) throw new InvalidOperationException($"{action}: {(int)status}");
        }
        Task<StageEvent> Until(Func<IReadOnlyList<StageEvent>, StageEvent?> condition, string what)
            => events.WaitAsync(code, condition, stageTimeout, what, ct);

        _started[code] = false;
        Stage("submit");
        await Until(StageConditions.Recorded, "recorded by Processing");
        await Act("accept");
        Stage("receive");
        await Act("start-processing");
        Stage("process");
        await Act("request-payment");
        var url = (await Until(StageConditions.PaymentUrl, "payment request at the platform")).PaymentUrl!;
        Stage("request-payment");
        await api.PayAsync(new Uri(url), ct);
        await Until(StageConditions.PaidBackInProcessing, "paid, back in processing");
        Stage("pay");
        await Act("decide");
        Stage("decide");
        await Act("return-result");
        Stage("return");
        await Until(StageConditions.PortalAcknowledgedReturn, "portal acknowledgement");
        Stage("portal-ack");
        _stages["end-to-end"].Add(clock.Elapsed.TotalMilliseconds);
        _started[code] = true;
    }

    /// <summary>
    /// Zero loss: every dossier submitted in the run, finished or not when its worker stopped, ends at status 10 on the
    /// portal. Unfinished ones get <paramref name="drain"/> for their acknowledgement event; then every code is checked
    /// against the portal's own record (outside the measured window), so a loss is caught even if an event was not.
    /// </summary>
    public async Task<(int Submitted, int AtPortal, IReadOnlyList<string> Missing)> CheckLossAsync(TimeSpan drain, CancellationToken ct)
    {
        var end = DateTime.UtcNow + drain;
        foreach (var code in _started.Where(kv => !kv.Value).Select(kv => kv.Key).ToList())
        {
            var left = end - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) break;
            try { await events.WaitAsync(code, StageConditions.PortalAcknowledgedReturn, left, "drain", ct); }
            catch (TimeoutException) { }
        }
        var missing = new List<string>();
        foreach (var code in _started.Keys)
            if (await api.PortalStatusAsync(code, ct) != 10) missing.Add(code);
        return (_started.Count, _started.Count - missing.Count, missing);
    }
}
