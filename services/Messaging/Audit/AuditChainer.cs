using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Procedures.Messaging.Audit;

/// <summary>
/// Seals the service's committed audit entries into the hash chain (<see cref="AuditChain.SealAsync"/>) every second, a
/// batch at a time until none wait. Every instance runs one; they take turns on the chain's lock.
/// </summary>
public sealed class AuditChainer(NpgsqlDataSource db, TimeProvider time, ILogger<AuditChainer> logger) : PeriodicScan(logger)
{
    public const int Batch = 500;

    private static readonly Meter Meter = new("Procedures.Messaging.Audit");
    private static readonly Counter<long> Sealed = Meter.CreateCounter<long>(
        "procedures.audit.sealed", unit: "{entry}", description: "Audit entries sealed into the hash chain");

    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);
    protected override TimeProvider Time => time;
    protected override string Name => "Audit chainer";

    protected override async Task PassAsync(CancellationToken ct)
    {
        int count;
        do
        {
            count = await AuditChain.SealAsync(db, Batch, ct);
            if (count > 0) Sealed.Add(count);
        } while (count == Batch && !ct.IsCancellationRequested);
    }
}
