using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Procedures.Sandbox.Portal;

/// <summary>What the stand-in national portal accepted, per dossier: the latest record and the full history.</summary>
public sealed class PortalStore
{
    private readonly ConcurrentDictionary<string, PortalDossier> _dossiers = new();
    private readonly ConcurrentDictionary<string, int> _applied = new();

    public PortalDossier GetOrAdd(string code) => _dossiers.GetOrAdd(code, c => new PortalDossier(c));

    public PortalDossier? Find(string code) => _dossiers.GetValueOrDefault(code);

    /// <summary>Records that an idempotency key was applied; false if it already was (the call is a replay).</summary>
    public bool TryMarkApplied(string key) => _applied.TryAdd(key, 1);

    public int AppliedCount => _applied.Count;
}

public sealed class PortalDossier(string code)
{
    private readonly Lock _gate = new();

    public string Code { get; } = code;
    public JsonObject? Record { get; private set; }
    public List<JsonObject> History { get; } = [];
    /// <summary>W3C traceparent of every accepted call: lets tests prove one trace spans the whole flow.</summary>
    public List<string> TraceParents { get; } = [];

    public void Apply(Action<PortalDossier> change)
    {
        lock (_gate) change(this);
    }

    public void SetRecord(JsonObject record) => Record = record;

    public object Snapshot()
    {
        lock (_gate)
            return new { code = Code, record = Record?.DeepClone(), history = History.Select(h => h.DeepClone()).ToList(), traceParents = TraceParents.ToList() };
    }
}
