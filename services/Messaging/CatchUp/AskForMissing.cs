using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Logging;
using Procedures.Messaging.Inbox;

namespace Procedures.Messaging.CatchUp;

/// <summary>
/// The consumer's side of a digest of keys (e.g. Intake's DossiersSubmittedDigest of submitted codes): compares the
/// digest's keys with the service's own table, and for every key missing there, whose event was lost on the way, asks
/// the producer for it again (<typeparamref name="TRequest"/>, e.g. DossierSubmissionRequested); the producer resends it
/// under its first message id. A digest applied twice asks twice; the producer's second resend is then a duplicate the
/// inbox absorbs. What the digest and the request are is the service's (its subclass's): Messaging knows no event.
/// </summary>
public abstract partial class AskForMissing<TDigest, TRequest>(ConsumerServices services, ILogger logger)
    : IdempotentConsumer<TDigest>(services) where TDigest : class where TRequest : class
{
    // The one digest of keys is Intake's of submitted dossiers: the counter keeps the name dashboards and alerts know.
    private static readonly Meter Meter = new("Procedures.Messaging.CatchUp");
    private static readonly Counter<long> Lost = Meter.CreateCounter<long>("procedures.messaging.lost_submissions",
        unit: "{dossier}", description: "Dossiers whose DossierSubmitted Intake's digest showed missing here, asked for again");

    /// <summary>The table holding one row per key received, keyed by <c>code</c>.</summary>
    protected abstract string KeyTable { get; }

    /// <summary>The keys the digest announces.</summary>
    protected abstract IReadOnlyList<string> KeysOf(TDigest digest);

    /// <summary>The request that asks the producer again for the event of <paramref name="key"/>.</summary>
    protected abstract TRequest Ask(string key, DateTimeOffset now);

    protected override async Task HandleAsync(TDigest m, ConsumeScope<TDigest> scope, CancellationToken ct)
    {
        var missing = (await scope.Connection.QueryAsync<string>(new CommandDefinition($"""
            SELECT c.code FROM unnest(@codes) AS c(code) WHERE NOT EXISTS (SELECT 1 FROM {KeyTable} d WHERE d.code = c.code) ORDER BY c.code
            """, new { codes = KeysOf(m).ToArray() }, scope.Transaction, cancellationToken: ct))).ToList();
        if (missing.Count == 0) return;
        var now = Services.Time.GetUtcNow();
        await Outbox.Outbox.PublishManyAsync(scope.Transaction, [.. missing.Select(code => Ask(code, now))], ct);
        Lost.Add(missing.Count);
        LogMissing(logger, missing.Count, string.Join(", ", missing.Take(20)));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The producer's digest shows {Count} key(s) whose event never arrived here (first: {Codes}); the producer is asked for them")]
    private static partial void LogMissing(ILogger logger, int count, string codes);
}
