using Dapper;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Reporting.Kpi.Agencies;

/// <summary>
/// Keeps Reporting's copy of the register of agencies (0007_agencies.sql) from Intake's <see cref="AgencyRegisterPublished"/>:
/// the highest version of each agency wins, so the whole register published at every start of Intake, and one agency
/// published on each change, may arrive in any order and more than once.
/// </summary>
public sealed class ProjectAgencies(ConsumerServices services) : IdempotentConsumer<AgencyRegisterPublished>(services)
{
    protected override Task HandleAsync(AgencyRegisterPublished m, ConsumeScope<AgencyRegisterPublished> scope, CancellationToken ct)
        => scope.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO agencies (id, version, name, kind, effective_from, effective_to, updated_at)
            SELECT a.*, @at::timestamptz FROM unnest(@ids, @versions, @names, @kinds, @froms::date[], @tos::date[]) AS a
            ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, kind = EXCLUDED.kind,
                effective_from = EXCLUDED.effective_from, effective_to = EXCLUDED.effective_to, updated_at = EXCLUDED.updated_at
            WHERE agencies.version < EXCLUDED.version
            """, new
            {
                ids = m.Agencies.Select(a => a.Id).ToArray(), versions = m.Agencies.Select(a => a.Version).ToArray(),
                names = m.Agencies.Select(a => a.Name).ToArray(), kinds = m.Agencies.Select(a => a.Kind).ToArray(),
                froms = m.Agencies.Select(a => a.EffectiveFrom).ToArray(), tos = m.Agencies.Select(a => a.EffectiveTo).ToArray(),
                at = m.At.ToUniversalTime(),
            }, scope.Transaction, cancellationToken: ct));
}
