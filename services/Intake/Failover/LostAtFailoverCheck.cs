using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Messaging;

namespace Procedures.Intake.Failover;

/// <summary>
/// Detects dossiers lost at a database failover: every <see cref="FailoverOptions.CheckEvery"/> it asks the primary for its
/// <see cref="PrimaryIdentity"/>; when that changed since the last look, it checks that every dossier this instance
/// recently answered 201 for (<see cref="RecentlyAccepted"/>) still exists. A missing one was committed on the old
/// primary and never reached the promoted standby (asynchronous replication): it is recorded in
/// <c>lost_at_failover</c> (what an operator queries), logged as an error naming the codes and counted
/// (<c>procedures.dossiers.lost_at_failover</c>). With synchronous replication the check finds nothing.
/// </summary>
public sealed partial class LostAtFailoverCheck(NpgsqlDataSource db, RecentlyAccepted accepted, IOptions<FailoverOptions> options,
    TimeProvider time, ILogger<LostAtFailoverCheck> logger) : PeriodicScan(logger)
{
    private static readonly Meter Meter = new("Procedures.Intake.Failover");
    private static readonly Counter<long> Lost = Meter.CreateCounter<long>("procedures.dossiers.lost_at_failover",
        unit: "{dossier}", description: "Dossiers answered 201 whose commit the promoted database primary does not have");

    private PrimaryIdentity? _seen;

    protected override TimeSpan Interval => options.Value.CheckEvery;
    protected override TimeProvider Time => time;
    protected override string Name => "The lost-at-failover check";

    // The timeline is the first 8 hex digits of the current WAL file's name: right after a promotion, before any checkpoint.
    private const string IdentitySql = """
        SELECT (pg_control_system()).system_identifier AS SystemIdentifier,
               ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS Timeline,
               coalesce(host(inet_server_addr()), 'socket') || ':' || inet_server_port() AS Server
        """;

    protected override async Task PassAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await ObserveAsync(connection, await ReadIdentityAsync(connection, ct), ct);
    }

    /// <summary>The identity of the server <paramref name="connection"/> is open on (a primary: it reads the current WAL position).</summary>
    public static Task<PrimaryIdentity> ReadIdentityAsync(NpgsqlConnection connection, CancellationToken ct)
        => connection.QuerySingleAsync<PrimaryIdentity>(new CommandDefinition(IdentitySql, cancellationToken: ct));

    /// <summary>
    /// One look at the primary: the first only remembers it; after a change, the recently accepted dossiers missing on
    /// <paramref name="connection"/>'s server are recorded, logged and counted (and returned).
    /// </summary>
    public async Task<IReadOnlyList<string>> ObserveAsync(NpgsqlConnection connection, PrimaryIdentity now, CancellationToken ct)
    {
        List<string> missing = [];
        if (PrimaryIdentity.Changed(_seen, now))
        {
            var codes = accepted.Snapshot();
            LogPrimaryChanged(logger, _seen!.Server, _seen.Timeline, now.Server, now.Timeline, codes.Count);
            missing = (await connection.QueryAsync<string>(new CommandDefinition("""
                SELECT c.code FROM unnest(@codes) AS c(code) WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.code = c.code) ORDER BY c.code
                """, new { codes = codes.ToArray() }, cancellationToken: ct))).ToList();
            if (missing.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO lost_at_failover (dossier_code, detected_at, timeline, server)
                    SELECT c, @at, @timeline, @server FROM unnest(@missing) AS c ON CONFLICT (dossier_code) DO NOTHING
                    """, new { missing = missing.ToArray(), at = time.GetUtcNow(), timeline = now.Timeline, server = now.Server }, cancellationToken: ct));
                Lost.Add(missing.Count);
                LogLost(logger, missing.Count, now.Timeline, string.Join(", ", missing));
                accepted.Forget(missing);
            }
        }
        _seen = now; // only once the check is done: a pass that failed half-way checks again
        return missing;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The database primary changed ({Before}, timeline {BeforeTimeline} → {After}, timeline {AfterTimeline}): checking the {Count} dossier(s) accepted recently")]
    private static partial void LogPrimaryChanged(ILogger logger, string before, int beforeTimeline, string after, int afterTimeline, int count);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "{Count} dossier(s) answered 201 are missing on the new database primary (timeline {Timeline}): lost at failover, recorded in lost_at_failover: {Codes}")]
    private static partial void LogLost(ILogger logger, int count, int timeline, string codes);
}
