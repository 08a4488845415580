using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.CatchUp;

namespace Procedures.Processing.CatchUp;

/// <summary>
/// Publishes the newest sequence of each dossier whose history grew since the last digest (DossierHeadsDigest), a few
/// minutes behind (settings section "HistoryDigest"). Gap catch-up finds a lost step only when a later one arrives; this
/// finds a lost newest step, e.g. the return of the result, after which nothing else comes.
/// </summary>
public sealed class HistoryDigest(NpgsqlDataSource db, DigestSettings settings, TimeProvider time, ILogger<HistoryDigest> logger)
    : WindowDigest<DossierHead, DossierHeadsDigest>(db, settings, time, logger)
{
    public const string Section = "HistoryDigest";

    protected override string Name => "History digest";
    protected override string CursorTable => "history_digest";

    protected override async Task<IReadOnlyList<DossierHead>> ItemsAsync(NpgsqlTransaction tx, DateTime from, DateTime to, CancellationToken ct)
        => (await tx.Connection!.QueryAsync<DossierHead>(new CommandDefinition("""
            SELECT d.code AS DossierCode, d.sequence AS Sequence
            FROM dossiers d
            WHERE d.code IN (SELECT dossier_code FROM dossier_history WHERE recorded_at >= @from AND recorded_at < @to)
            ORDER BY d.code
            """, new { from, to }, tx, cancellationToken: ct))).ToList();

    protected override DossierHeadsDigest Message(DossierHead[] items, DateTimeOffset from, DateTimeOffset to) => new(items, from, to);
}
