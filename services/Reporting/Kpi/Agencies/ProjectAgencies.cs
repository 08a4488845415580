using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Inbox;
using Procedures.Reporting.Kpi.Facts;

namespace Procedures.Reporting.Kpi.Agencies;

/// <summary>
/// Keeps Reporting's copy of the register of agencies (0007_agencies.sql) from Intake's <see cref="AgencyRegisterPublished"/>:
/// the highest version of each agency wins, so the whole register published at every start of Intake, and one agency
/// published on each change, may arrive in any order and more than once. Each agency version is logged once (kind
/// agency, key its version) with the time it was published, so the rebuild applies the register again (<see cref="SideFacts"/>).
/// </summary>
public sealed class ProjectAgencies(ConsumerServices services) : IdempotentConsumer<AgencyRegisterPublished>(services)
{
    /// <summary>One agency version as logged: what the register said and when it was published.</summary>
    public sealed record LoggedAgency(RegisteredAgency Agency, DateTimeOffset At);

    protected override async Task HandleAsync(AgencyRegisterPublished m, ConsumeScope<AgencyRegisterPublished> scope, CancellationToken ct)
    {
        // One statement for the whole register (hundreds of agencies at each start); versions already logged are skipped.
        var logged = await scope.Connection.QueryAsync<string>(new CommandDefinition("""
            INSERT INTO event_log (kind, subject, key, payload)
            SELECT @kind, a.subject, a.key, a.payload::jsonb FROM unnest(@subjects, @keys, @payloads) AS a(subject, key, payload)
            ON CONFLICT (subject, kind, key) DO NOTHING
            RETURNING subject
            """, new
            {
                kind = FactStore.Kinds.Agency, subjects = m.Agencies.Select(a => a.Id).ToArray(),
                keys = m.Agencies.Select(a => a.Version.ToString(CultureInfo.InvariantCulture)).ToArray(),
                payloads = m.Agencies.Select(a => JsonSerializer.Serialize(new LoggedAgency(a, m.At), MessageJson.Options)).ToArray(),
            }, scope.Transaction, cancellationToken: ct));
        var fresh = logged.ToHashSet(StringComparer.Ordinal);
        var changed = m.Agencies.Where(a => fresh.Contains(a.Id)).ToList();
        if (changed.Count > 0) await UpsertAsync(scope.Transaction, changed, m.At, ct);
    }

    public static Task ApplyAsync(IDbTransaction tx, LoggedAgency logged, CancellationToken ct) => UpsertAsync(tx, [logged.Agency], logged.At, ct);

    private static Task UpsertAsync(IDbTransaction tx, IReadOnlyList<RegisteredAgency> agencies, DateTimeOffset at, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO agencies (id, version, name, kind, effective_from, effective_to, updated_at)
            SELECT a.*, @at::timestamptz FROM unnest(@ids, @versions, @names, @kinds, @froms::date[], @tos::date[]) AS a
            ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, kind = EXCLUDED.kind,
                effective_from = EXCLUDED.effective_from, effective_to = EXCLUDED.effective_to, updated_at = EXCLUDED.updated_at
            WHERE agencies.version < EXCLUDED.version
            """, new
            {
                ids = agencies.Select(a => a.Id).ToArray(), versions = agencies.Select(a => a.Version).ToArray(),
                names = agencies.Select(a => a.Name).ToArray(), kinds = agencies.Select(a => a.Kind).ToArray(),
                froms = agencies.Select(a => a.EffectiveFrom).ToArray(), tos = agencies.Select(a => a.EffectiveTo).ToArray(),
                at = at.ToUniversalTime(),
            }, tx, cancellationToken: ct));
}
