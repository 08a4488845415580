using System.Text.Json;
using Dapper;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.CatchUp;
using Procedures.Messaging.Inbox;

namespace Procedures.Intake.CatchUp;

/// <summary>
/// Answers DossierSubmissionRequested: the dossier's DossierSubmitted is published again as first sent, under its first
/// message id, so consumers that applied it skip it and only those that lost it take effect.
/// </summary>
public sealed partial class ResendSubmission(ConsumerServices services, ILogger<ResendSubmission> logger)
    : IdempotentConsumer<DossierSubmissionRequested>(services)
{
    protected override async Task HandleAsync(DossierSubmissionRequested m, ConsumeScope<DossierSubmissionRequested> scope, CancellationToken ct)
    {
        var stored = await scope.Connection.QuerySingleOrDefaultAsync<(string? Event, Guid? EventId)>(new CommandDefinition(
            "SELECT submitted_event::text, submitted_event_id FROM dossiers WHERE code = @DossierCode",
            new { m.DossierCode }, scope.Transaction, cancellationToken: ct));
        if (stored is not ({ } json, { } eventId))
        {
            // Unknown here, or submitted before events were kept with their dossier: nothing to send; an operator sees why.
            LogNothingToSend(m.RequestedBy, m.DossierCode);
            return;
        }
        var submitted = JsonSerializer.Deserialize<DossierSubmitted>(json, MessageJson.Options)!;
        await Resend.AgainAsync(scope.Transaction, submitted, eventId, ct);
        LogResent(m.RequestedBy, m.DossierCode);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{RequestedBy} asked again for {DossierCode}'s submission; sent again")]
    private partial void LogResent(string requestedBy, string dossierCode);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{RequestedBy} asked again for {DossierCode}'s submission, which is not kept here (unknown code, or submitted before events were kept)")]
    private partial void LogNothingToSend(string requestedBy, string dossierCode);
}
