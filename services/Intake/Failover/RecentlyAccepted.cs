namespace Procedures.Intake.Failover;

/// <summary>
/// The dossiers this instance answered 201 for most recently, in memory and bounded (the oldest go first): what a
/// database failover could have lost if the promoted standby did not have every commit (asynchronous replication).
/// A commit older than the last few thousand submissions has long been replicated, so a bounded window is enough; an
/// instance that restarts forgets its window (docs/operations.md, "Commits lost at failover").
/// </summary>
public sealed class RecentlyAccepted(int capacity)
{
    private readonly Queue<string> _codes = new();
    private readonly HashSet<string> _known = [];
    private readonly Lock _lock = new();

    public int Capacity { get; } = Math.Max(1, capacity);

    /// <summary>Called once the submission's transaction has committed, before the 201 goes out.</summary>
    public void Add(string code)
    {
        lock (_lock)
        {
            if (!_known.Add(code)) return;
            _codes.Enqueue(code);
            while (_codes.Count > Capacity) _known.Remove(_codes.Dequeue());
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_lock) return [.. _codes];
    }

    /// <summary>Forgets codes already reported missing, so a later failover does not report them again.</summary>
    public void Forget(IEnumerable<string> codes)
    {
        lock (_lock)
        {
            var gone = codes.Where(_known.Remove).ToHashSet();
            if (gone.Count == 0) return;
            var kept = _codes.Where(c => !gone.Contains(c)).ToList();
            _codes.Clear();
            foreach (var c in kept) _codes.Enqueue(c);
        }
    }
}
