using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Logging;
using Procedures.Contracts;
using Procedures.Messaging.Outbox;

namespace Procedures.Messaging.Inbox;

/// <summary>
/// Compares Intake's digest of submitted codes (DossiersSubmittedDigest) with the service's own table of dossiers: a code
/// missing there lost its DossierSubmitted on the way, and Intake is asked for it (DossierSubmissionRequested); it sends
/// the submission again under its first message id. A digest applied twice asks twice; Intake's second resend is then a
/// duplicate the inbox absorbs.
/// </summary>
public abstract partial class AskForLostSubmissions(ConsumerServices services, ILogger logger)
    : IdempotentConsumer<DossiersSubmittedDigest>(services)
{
    private static readonly Meter Meter = new("Procedures.Messaging.CatchUp");
    private static readonly Counter<long> Lost = Meter.CreateCounter<long>("procedures.messaging.lost_submissions",
        unit: "{dossier}", description: "Dossiers whose DossierSubmitted Intake's digest showed missing here, asked for again");

    /// <summary>The table holding one row per dossier received, keyed by <c>code</c>.</summary>
    protected abstract string DossierTable { get; }

    /// <summary>Who asks (the service's resource name).</summary>
    protected abstract string Requester { get; }

    protected override async Task HandleAsync(DossiersSubmittedDigest m, ConsumeScope<DossiersSubmittedDigest> scope, CancellationToken ct)
    {
        var missing = (await scope.Connection.QueryAsync<string>(new CommandDefinition($"""
            SELECT c.code FROM unnest(@codes) AS c(code) WHERE NOT EXISTS (SELECT 1 FROM {DossierTable} d WHERE d.code = c.code) ORDER BY c.code
            """, new { codes = m.Codes.ToArray() }, scope.Transaction, cancellationToken: ct))).ToList();
        if (missing.Count == 0) return;
        var now = Services.Time.GetUtcNow();
        await Outbox.Outbox.PublishManyAsync(scope.Transaction, [.. missing.Select(code => new DossierSubmissionRequested(code, Requester, now))], ct);
        Lost.Add(missing.Count);
        LogMissing(logger, missing.Count, string.Join(", ", missing.Take(20)));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Intake's digest shows {Count} dossier(s) whose submission never arrived here (first: {Codes}); Intake is asked for them")]
    private static partial void LogMissing(ILogger logger, int count, string codes);
}
