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

    public IEnumerable<PortalDossier> All => _dossiers.Values;

    /// <summary>The portal "loses" a dossier (a fault for the reconciliation to find); its applied keys go with it.</summary>
    public bool Forget(string code)
    {
        if (!_dossiers.TryRemove(code, out _)) return false;
        foreach (var key in _applied.Keys.Where(k => k.StartsWith(code + ":", StringComparison.Ordinal))) _applied.TryRemove(key, out _);
        return true;
    }

    /// <summary>Records that an idempotency key was applied; false if it already was (the call is a replay).</summary>
    public bool TryMarkApplied(string key) => _applied.TryAdd(key, 1);

    public void Unmark(string key) => _applied.TryRemove(key, out _);

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
    /// <summary>Every idempotency key applied (not replayed), in order: tests prove no (dossier, sequence) was applied twice.</summary>
    public List<string> Applied { get; } = [];

    /// <summary>Appends a step as sent: a step sent twice under different keys shows twice, so tests catch double effects.</summary>
    public void AddHistory(JsonObject row) => History.Add(row);

    public void Apply(Action<PortalDossier> change)
    {
        lock (_gate) change(this);
    }

    public void SetRecord(JsonObject record) => Record = record;

    /// <summary>One line of the day listing: code, status, number of steps, and the submission day (yyyyMMdd).</summary>
    public sealed record Line(string MaHoSo, int TrangThaiHoSo, int SoBuocXuLy, [property: System.Text.Json.Serialization.JsonIgnore] string SubmittedOn);

    public Line? Listing()
    {
        lock (_gate)
            return Record is null ? null : new Line(Code, PortalRules.Int(Record["TrangThaiHoSo"], out var s) ? s : 0, History.Count,
                Record["NgayNopHoSo"]?.ToString() is { Length: >= 8 } at ? at[..8] : "");
    }

    public object Snapshot()
    {
        lock (_gate)
            return new
            {
                code = Code, record = Record?.DeepClone(), history = History.Select(h => h.DeepClone()).ToList(), traceParents = TraceParents.ToList(),
                applied = Applied.ToList(),
            };
    }
}
