using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Outbox;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// A dossier's history (QuaTrinhXuLy): each step is a row and the DossierStatusChanged announcing it, written in the
/// caller's transaction. The row keeps the event and its message id, so the event can be sent again as it was.
/// </summary>
public static class DossierHistory
{
    public static async Task AppendAsync(NpgsqlTransaction tx, DossierStatusChanged change, CancellationToken ct)
    {
        var eventId = await Outbox.PublishAsync(tx, change, ct);
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossier_history (dossier_code, sequence, status, occurred_at, actor, content, role, department, step_legal_end,
                                         event_id, event)
            VALUES (@DossierCode, @Sequence, @status, @occurredAt, @Actor, @Content, @Role, @Department, @end, @eventId, @event::jsonb)
            """, new
            {
                change.DossierCode, change.Sequence, status = (short)change.Status, occurredAt = change.OccurredAt.ToUniversalTime(),
                change.Actor, change.Content, change.Role, change.Department,
                end = DossierCompletionRequest.StepLegalEnd(change)?.ToUniversalTime(), eventId,
                @event = JsonSerializer.Serialize(change, MessageJson.Options),
            }, tx, cancellationToken: ct));
    }
}
