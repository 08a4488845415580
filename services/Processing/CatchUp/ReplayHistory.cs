using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.CatchUp;
using Procedures.Messaging.Inbox;
using Procedures.Processing.Dossiers;

namespace Procedures.Processing.CatchUp;

/// <summary>
/// Answers DossierHistoryRequested: the asked steps' DossierStatusChanged events are published again, each as it was
/// first sent and under its first message id, so consumers that applied one skip it and only the lost ones take effect.
/// Steps recorded before events were kept (no stored event) are rebuilt from the history row, under a new id. Each step's
/// narrow announcements (<see cref="NarrowAnnouncements"/>) go with it.
/// </summary>
public sealed partial class ReplayHistory(ConsumerServices services, ILogger<ReplayHistory> logger)
    : IdempotentConsumer<DossierHistoryRequested>(services)
{
    /// <summary>A bound on one request, so a wrong range cannot flood the broker.</summary>
    public const int MaxSteps = 200;

    protected override async Task HandleAsync(DossierHistoryRequested m, ConsumeScope<DossierHistoryRequested> scope, CancellationToken ct)
    {
        var steps = (await scope.Connection.QueryAsync<StoredStep>(new CommandDefinition("""
            SELECT h.sequence, h.status, h.occurred_at AS OccurredAt, h.actor, h.content, h.role, h.department, h.event_id AS EventId,
                   h.event::text AS Event, d.receiving_unit AS ReceivingUnit, d.deciding_agency AS DecidingAgency, d.procedure_code AS ProcedureCode,
                   d.fees_vnd AS FeesVnd
            FROM dossier_history h JOIN dossiers d ON d.code = h.dossier_code
            WHERE h.dossier_code = @DossierCode AND h.sequence BETWEEN @FromSequence AND @ToSequence
            ORDER BY h.sequence
            LIMIT @MaxSteps
            """, new { m.DossierCode, m.FromSequence, m.ToSequence, MaxSteps }, scope.Transaction, cancellationToken: ct))).ToList();
        foreach (var step in steps)
        {
            var e = step.ToEvent(m.DossierCode);
            await Resend.AgainAsync(scope.Transaction, e, step.EventId ?? Guid.NewGuid(), ct);
            // The step's narrow announcements go again too, under new ids: their consumers apply a step once by its sequence.
            foreach (var narrow in NarrowAnnouncements.For(e, step.FeesVnd))
                await Messaging.Outbox.Outbox.EnqueueAsync(scope.Transaction, narrow, narrow.GetType(), Guid.NewGuid(), destination: null, headers: null, dueAt: null, ct);
        }
        LogReplayed(m.DossierCode, m.FromSequence, m.ToSequence, m.RequestedBy, steps.Count);
    }

    private sealed record StoredStep(long Sequence, short Status, DateTimeOffset OccurredAt, string? Actor, string? Content, string? Role,
        string? Department, Guid? EventId, string? Event, string ReceivingUnit, string? DecidingAgency, string ProcedureCode, long FeesVnd)
    {
        public DossierStatusChanged ToEvent(string code) => Event is not null
            ? JsonSerializer.Deserialize<DossierStatusChanged>(Event, MessageJson.Options)!
            : new DossierStatusChanged(code, Sequence, (DossierStatus)Status, OccurredAt, Content, Actor: Actor, Role: Role, Department: Department,
                ReceivingUnit: ReceivingUnit, DecidingAgency: DecidingAgency, ProcedureCode: ProcedureCode);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{RequestedBy} asked again for {DossierCode}'s status events {From}..{To}; {Count} sent again")]
    private partial void LogReplayed(string dossierCode, long from, long to, string requestedBy, int count);
}
