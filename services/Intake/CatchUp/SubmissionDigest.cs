using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.CatchUp;

namespace Procedures.Intake.CatchUp;

/// <summary>
/// Publishes the codes of the dossiers submitted since the last digest (DossiersSubmittedDigest), a few minutes behind
/// (settings section "SubmissionDigest"). A DossierSubmitted lost on the way (e.g. dead-lettered while a consumer's
/// database was down) would otherwise leave that consumer without the dossier for good: Processing would never start its
/// clock, PortalSync never send it to the national portal.
/// </summary>
public sealed class SubmissionDigest(NpgsqlDataSource db, DigestSettings settings, TimeProvider time, ILogger<SubmissionDigest> logger)
    : WindowDigest<string, DossiersSubmittedDigest>(db, settings, time, logger)
{
    public const string Section = "SubmissionDigest";

    protected override string Name => "Submission digest";
    protected override string CursorTable => "submission_digest";

    protected override async Task<IReadOnlyList<string>> ItemsAsync(NpgsqlTransaction tx, DateTime from, DateTime to, CancellationToken ct)
        => (await tx.Connection!.QueryAsync<string>(new CommandDefinition(
            "SELECT code FROM dossiers WHERE recorded_at >= @from AND recorded_at < @to ORDER BY code",
            new { from, to }, tx, cancellationToken: ct))).ToList();

    protected override DossiersSubmittedDigest Message(string[] items, DateTimeOffset from, DateTimeOffset to) => new(items, from, to);
}
