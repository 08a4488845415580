using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Procedures.Notifications.Events;

/// <summary>
/// The public stream's ordered outbox. An event is logged once (its stable id), then released when every status event
/// before it in the dossier's sequence has been released (or it waited longer than the hold timeout: a predecessor that
/// never comes must not block the dossier for ever). Release gives it a stream position, which is the order the public
/// exchange and each webhook subscription see, and fans it out to the matching subscriptions. Each dossier's work runs
/// under a transaction-scoped advisory lock, so two consumers of the same dossier never interleave.
/// </summary>
public static class EventLog
{
    public const string Channel = "notifications_stream";

    /// <summary>Logs <paramref name="e"/> in the caller's transaction; false if it was already logged (a redelivery).</summary>
    public static async Task<bool> AppendAsync(NpgsqlTransaction tx, PublicEvent e, PublicLinks links, TimeSpan holdTimeout, CancellationToken ct)
    {
        var c = tx.Connection!;
        await LockAsync(tx, e.DossierCode, ct);
        var inserted = await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO event_log (dossier_code, sequence, status, occurred_at, event_id, type, is_status, agencies, procedure_code, cloud_event, traceparent)
            VALUES (@DossierCode, @Sequence, @status, @Time, @Id, @type, @IsStatus, @agencies, @procedure, @json, @traceparent)
            ON CONFLICT DO NOTHING
            """, new
            {
                e.DossierCode, e.Sequence, status = (short?)e.Type.Status, Time = e.Time.ToUniversalTime(), e.Id, type = e.Type.Type,
                e.IsStatus, agencies = e.Route.Agencies.ToArray(), procedure = e.Route.ProcedureCode, json = e.ToCloudEventJson(links),
                // The trace of the internal event being consumed: each webhook delivery of this event continues it.
                traceparent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null,
            }, tx, cancellationToken: ct));
        if (inserted == 0) return false;
        await ReleaseAsync(tx, e.DossierCode, holdTimeout, ct);
        return true;
    }

    /// <summary>The route learnt from the dossier's status events, or null when none has arrived yet.</summary>
    public static async Task<DossierRoute?> RouteAsync(NpgsqlTransaction tx, string code, CancellationToken ct)
    {
        var row = await tx.Connection!.QuerySingleOrDefaultAsync<RouteRow>(new CommandDefinition(
            "SELECT agencies, procedure_code AS ProcedureCode FROM dossier_routes WHERE dossier_code = @code", new { code }, tx, cancellationToken: ct));
        return row is null ? null : new DossierRoute(row.Agencies, row.ProcedureCode);
    }

    private sealed class RouteRow
    {
        public string[] Agencies { get; init; } = [];
        public string? ProcedureCode { get; init; }
    }

    public static Task LearnRouteAsync(NpgsqlTransaction tx, string code, DossierRoute route, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossier_routes (dossier_code, agencies, procedure_code) VALUES (@code, @agencies, @procedure)
            ON CONFLICT (dossier_code) DO UPDATE SET agencies = excluded.agencies,
                procedure_code = COALESCE(excluded.procedure_code, dossier_routes.procedure_code)
            """, new { code, agencies = route.Agencies.ToArray(), procedure = route.ProcedureCode }, tx, cancellationToken: ct));

    private static Task LockAsync(NpgsqlTransaction tx, string code, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtextextended(@code, 9))",
            new { code }, tx, cancellationToken: ct));

    private sealed record Held(long Id, long? Sequence, bool IsStatus, string Type, bool Stale);

    private static EventOrderKind KindOf(Held h)
        => h.IsStatus ? EventOrderKind.Status : h.Type == EventCatalogue.Synced.Type ? EventOrderKind.UpTo : EventOrderKind.Unordered;

    /// <summary>Releases, in order, every held event of the dossier that may go now (the rule: <see cref="ReleaseOrder"/>).</summary>
    public static async Task ReleaseAsync(NpgsqlTransaction tx, string code, TimeSpan holdTimeout, CancellationToken ct)
    {
        var c = tx.Connection!;
        var held = (await c.QueryAsync<Held>(new CommandDefinition("""
            SELECT id, sequence, is_status AS IsStatus, type, received_at < now() - @holdTimeout AS Stale
            FROM event_log WHERE dossier_code = @code AND released_at IS NULL
            """, new { code, holdTimeout }, tx, cancellationToken: ct))).ToList();
        if (held.Count == 0) return;
        var progress = await c.QuerySingleOrDefaultAsync<DossierProgress>(new CommandDefinition(
            "SELECT last_released AS LastStatus, last_synced AS LastUpTo FROM dossier_routes WHERE dossier_code = @code",
            new { code }, tx, cancellationToken: ct)) ?? new DossierProgress(0, 0);

        var decision = ReleaseOrder.Decide(held.Select(h => new HeldEvent(h.Id, KindOf(h), h.Sequence, h.Stale)).ToList(), progress);
        if (decision.Release.Count == 0 && decision.Superseded.Count == 0) return;
        foreach (var id in decision.Release) await ReleaseOneAsync(tx, id, ct);
        await c.ExecuteAsync(new CommandDefinition($"""
            UPDATE event_log SET released_at = now(), superseded = true WHERE id = ANY(@superseded);
            UPDATE dossier_routes SET last_released = GREATEST(last_released, @LastStatus), last_synced = GREATEST(last_synced, @LastUpTo)
            WHERE dossier_code = @code;
            NOTIFY {Channel};
            """, new { code, superseded = decision.Superseded.ToArray(), decision.Progress.LastStatus, decision.Progress.LastUpTo },
            tx, cancellationToken: ct));
    }

    /// <summary>
    /// Gives the event its stream position and queues it for every subscription allowed to see it, paused and disabled
    /// ones included: they get it, in order, when they are active again (within the retention window, see WebhookRetention).
    /// </summary>
    private static Task ReleaseOneAsync(NpgsqlTransaction tx, long id, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            WITH r AS (
                UPDATE event_log SET released_at = now(), stream_position = nextval('stream_position_seq') WHERE id = @id
                RETURNING event_id, type, agencies, procedure_code, dossier_code, stream_position)
            INSERT INTO webhook_deliveries (subscription_id, event_id, dossier_code, stream_position)
            SELECT s.id, r.event_id, r.dossier_code, r.stream_position
            FROM r JOIN webhook_subscriptions s ON s.state <> 'deleted' AND 
            """ + SubscriptionSees, new { id }, tx, cancellationToken: ct));

    /// <summary>
    /// SQL condition: subscription <c>s</c> may receive event row <c>r</c>: one of the event's agencies is its own (or it sees
    /// every agency), and the event passes its agency, type and procedure filters.
    /// </summary>
    public const string SubscriptionSees = """
        (s.all_agencies OR s.agency = ANY(r.agencies))
        AND (cardinality(s.agencies) = 0 OR s.agencies && r.agencies)
        AND (cardinality(s.event_types) = 0 OR r.type = ANY(s.event_types))
        AND (cardinality(s.procedures) = 0 OR r.procedure_code = ANY(s.procedures))
        """;

    /// <summary>Releases events whose predecessor has not come within the hold timeout.</summary>
    public static async Task<int> ReleaseStaleAsync(NpgsqlDataSource db, TimeSpan holdTimeout, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        var codes = (await c.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT dossier_code FROM event_log WHERE released_at IS NULL AND received_at < now() - @holdTimeout LIMIT 500
            """, new { holdTimeout }, cancellationToken: ct))).ToList();
        foreach (var code in codes)
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            await LockAsync(tx, code, ct);
            await ReleaseAsync(tx, code, holdTimeout, ct);
            await tx.CommitAsync(ct);
        }
        return codes.Count;
    }
}
