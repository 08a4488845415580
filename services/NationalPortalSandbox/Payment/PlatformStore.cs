using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Procedures.Sandbox.Payment;

/// <summary>One transaction at the platform, keyed by the partner's MaThamChieu. Mutated under its own lock.</summary>
public sealed class PlatformTransaction(string reference, long amount, DateTimeOffset transactionTime, string token, JsonObject? receiptInfo)
{
    public string Reference { get; } = reference;
    public long Amount { get; } = amount;
    /// <summary>ThoiGianGD of the INIT message: the day the transaction is listed under.</summary>
    public DateTimeOffset TransactionTime { get; } = transactionTime;
    public string Token { get; } = token;
    public string TransactionId { get; } = "GD" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
    public JsonObject? ReceiptInfo { get; } = receiptInfo;
    public string State { get; private set; } = PlatformProtocol.Created;
    public string? ResultCode { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public string? ReceiptNumber { get; private set; }

    private readonly Lock _lock = new();

    /// <summary>Records the citizen's outcome on the hosted page; false if the transaction is already final.</summary>
    public bool Complete(string resultCode, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (State != PlatformProtocol.Created) return false;
            State = resultCode == PlatformProtocol.Success ? PlatformProtocol.Succeeded : PlatformProtocol.Failed;
            ResultCode = resultCode;
            CompletedAt = at;
            if (State == PlatformProtocol.Succeeded) ReceiptNumber = "BL" + at.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture) + Random.Shared.Next(100000, 999999);
            return true;
        }
    }

    public bool RefundIfPaid()
    {
        lock (_lock)
        {
            if (State == PlatformProtocol.Refunded) return true;
            if (State != PlatformProtocol.Succeeded) return false;
            State = PlatformProtocol.Refunded;
            return true;
        }
    }

    /// <summary>A transaction nobody paid within the lifetime is failed as expired, as the real platform times out a session.</summary>
    public void ExpireIfDue(DateTimeOffset now, TimeSpan lifetime)
    {
        if (now - TransactionTime > lifetime) Complete("99", now);
    }
}

/// <summary>The platform's ledger, in memory (a sandbox restart forgets it, like any stand-in).</summary>
public sealed class PlatformStore
{
    private readonly ConcurrentDictionary<string, PlatformTransaction> _byReference = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PlatformTransaction> _byToken = new(StringComparer.Ordinal);

    /// <summary>INIT is idempotent per MaThamChieu: a retried INIT gets the same transaction and pay URL.</summary>
    public PlatformTransaction GetOrCreate(string reference, Func<PlatformTransaction> create)
    {
        var created = _byReference.GetOrAdd(reference, _ => create());
        _byToken.TryAdd(created.Token, created);
        return created;
    }

    public PlatformTransaction? Find(string reference) => _byReference.GetValueOrDefault(reference);

    public PlatformTransaction? FindByToken(string token) => _byToken.GetValueOrDefault(token);

    public IReadOnlyList<PlatformTransaction> OfDay(DateOnly vietnamDay)
        => _byReference.Values.Where(t => DateOnly.FromDateTime(t.TransactionTime.ToOffset(TimeSpan.FromHours(7)).DateTime) == vietnamDay)
            .OrderBy(t => t.Reference, StringComparer.Ordinal).ToList();
}
