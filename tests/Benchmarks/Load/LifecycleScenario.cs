using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// One fee-bearing dossier's whole life, driven as the desk, the citizen and the portal see it (as PaymentTests and
/// LifecycleTests do): submit (201) → accept once Processing has recorded it → start processing → request payment →
/// the payment request reaches the platform → the citizen pays on the hosted page → Processing is back in processing →
/// decide → return the result → the national portal acknowledges status 10. Each stage is timed; end to end is from the
/// submission's start to the portal's acknowledgement.
/// </summary>
public sealed class LifecycleScenario(SystemApi api, AgencyClients clients, TimeSpan stageTimeout)
{
    public static readonly string[] Stages = ["submit", "receive", "process", "request-payment", "pay", "decide", "return", "portal-ack", "end-to-end"];

    private readonly Dictionary<string, Latency> _stages = Stages.ToDictionary(s => s, _ => new Latency());
    private readonly ConcurrentDictionary<string, bool> _started = new(StringComparer.Ordinal);
    private long _auditedReads;

    /// <summary>Polls of Payment's dossier payments (an audited read: one write transaction each), to take out of the cost.</summary>
    public long AuditedReads => Interlocked.Read(ref _auditedReads);

    public IReadOnlyDictionary<string, Percentiles> StageLatencies() => _stages.ToDictionary(kv => kv.Key, kv => kv.Value.Summary());

    /// <summary>Codes submitted (201) and whether their life reached the portal's acknowledgement.</summary>
    public IReadOnlyDictionary<string, bool> Started => _started;

    public void Reset()
    {
        foreach (var l in _stages.Keys.ToList()) _stages[l] = new Latency();
        _started.Clear();
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

        _started[code] = false;
        Stage("submit");
        await SystemApiLookups.UntilAsync(async () => await api.ActAsync(code, "accept", token, ct) is var s && s != HttpStatusCode.Conflict
            ? s == HttpStatusCode.OK ? true : throw new InvalidOperationException($"accept: {(int)s}") : false, stageTimeout, "receive", ct);
        Stage("receive");
        await Act("start-processing");
        Stage("process");
        await Act("request-payment");
        Uri? url = null;
        await SystemApiLookups.UntilAsync(async () =>
        {
            Interlocked.Increment(ref _auditedReads);
            return (url = await api.PendingPaymentUrlAsync(code, token, ct)) is not null;
        }, stageTimeout,
            "payment request at the platform", ct);
        Stage("request-payment");
        await api.PayAsync(url!, ct);
        await SystemApiLookups.UntilAsync(async () => await api.PublicStatusAsync(code, ct) == 4, stageTimeout, "paid, back in processing", ct);
        Stage("pay");
        await Act("decide");
        Stage("decide");
        await Act("return-result");
        Stage("return");
        await SystemApiLookups.UntilAsync(async () => await api.PortalStatusAsync(code, ct) == 10, stageTimeout, "portal acknowledgement", ct);
        Stage("portal-ack");
        _stages["end-to-end"].Add(clock.Elapsed.TotalMilliseconds);
        _started[code] = true;
    }

    /// <summary>Zero loss: every dossier submitted in the run, finished or not when its worker stopped, ends at status 10 on the portal.</summary>
    public async Task<(int Submitted, int AtPortal, IReadOnlyList<string> Missing)> CheckLossAsync(TimeSpan drain, CancellationToken ct)
    {
        var pending = _started.Where(kv => !kv.Value).Select(kv => kv.Key).ToList();
        var end = DateTime.UtcNow + drain;
        var missing = new List<string>();
        foreach (var code in pending)
        {
            while (await api.PortalStatusAsync(code, ct) != 10)
            {
                if (DateTime.UtcNow > end) { missing.Add(code); break; }
                await Task.Delay(100, ct);
            }
        }
        return (_started.Count, _started.Count - missing.Count, missing);
    }
}
