using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// GET /api/v1/dossiers/{code}: a dossier's state at Processing, for an officer of the unit that received it or of the
/// agency that decides it (<see cref="DossierRecords.VisibleToCaller"/>; anyone else gets the 404 of an unknown code). The
/// at-risk and overdue flags come from <see cref="Deadlines"/>, the same rule the lists and the clock scan use. No
/// applicant data: the answer is about the clock, so the read is not a personal-data read.
/// </summary>
public static class DossierState
{
    /// <param name="DueAt">The legal due moment: the original appointment plus completed supplementation pauses (a running
    /// pause, from <paramref name="PausedAt"/>, holds it off further); an apology never moves it.</param>
    /// <param name="AppointmentAt">The date the citizen was last given (moved by pauses and apologies).</param>
    /// <param name="AtRiskAt">When the dossier counts at risk (a set number of working days before <paramref name="DueAt"/>).</param>
    public sealed record State(string Code, string ProcedureCode, string ReceivingUnit, string? DecidingAgency, [property: CodeList(typeof(DossierStatus))] int Status, string StatusName,
        long Sequence, DateTimeOffset SubmittedAt, DateTimeOffset? ReceivedAt, DateTimeOffset? AppointmentAt, DateTimeOffset? OriginalAppointmentAt,
        DateTimeOffset? DueAt, DateTimeOffset? AtRiskAt, DateTimeOffset? PausedAt, long PausedSeconds, int SupplementRequests,
        IReadOnlyList<SupplementRound> Supplements, bool AtRisk, bool Overdue, bool ApologyIssued, int Apologies, DateTimeOffset? EndedAt);

    internal static readonly State Example = new("26740.H29-261129-0001", "1.003677", "26740.H29", "26737.H29", 4, StatusNames.Of(DossierStatus.InProcessing),
        3, DateTimeOffset.Parse("2026-11-29T08:10:00+07:00"), DateTimeOffset.Parse("2026-11-29T09:00:00+07:00"),
        DateTimeOffset.Parse("2026-12-02T17:00:00+07:00"), DateTimeOffset.Parse("2026-12-02T17:00:00+07:00"),
        DateTimeOffset.Parse("2026-12-02T17:00:00+07:00"), DateTimeOffset.Parse("2026-12-01T17:00:00+07:00"), null, 0, 0, [], true, false, false, 0, null);

    /// <summary>The columns of a <see cref="Row"/>, the flags evaluated by <see cref="Deadlines"/> at <c>@now</c>.</summary>
    internal const string Select = $"""
        SELECT code, procedure_code AS ProcedureCode, receiving_unit AS ReceivingUnit, deciding_agency AS DecidingAgency, status, sequence,
               submitted_at AS SubmittedAt, received_at AS ReceivedAt, appointment_at AS AppointmentAt,
               original_appointment_at AS OriginalAppointmentAt, due_at AS DueAt, at_risk_at AS AtRiskAt, paused_at AS PausedAt,
               paused_seconds AS PausedSeconds, supplement_requests AS SupplementRequests, supplements::text AS Supplements,
               coalesce({Deadlines.AtRisk}, false) AS AtRisk, coalesce({Deadlines.Overdue}, false) AS Overdue, apologies,
               ended_at AS EndedAt
        FROM dossiers
        """;

    public static IEndpointRouteBuilder MapDossierState(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{code}", HandleAsync).WithName("GetDossierState")
            .WithSummary("A dossier's state: status, sequence, appointment and due moments, pauses, supplementation rounds, at risk, overdue, apology")
            .RequireScope(Scopes.Reception, Scopes.Processing)
            .WithExamples(null, Example);
        return app;
    }

    private static async Task<Results<Ok<State>, NotFound>> HandleAsync(
        string code, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{Select} WHERE code = @code AND {DossierRecords.VisibleToCaller}",
            new { code, agency = caller.Agency, all = caller.SeesAllAgencies, now = time.GetUtcNow() }, cancellationToken: ct));
        if (row is null)
        {
            await ForeignResources.MarkDossierAsync(connection, null, http, caller, code, ct);
            return TypedResults.NotFound();
        }
        return TypedResults.Ok(row.ToState());
    }

    internal sealed record Row(string Code, string ProcedureCode, string ReceivingUnit, string? DecidingAgency, short Status, long Sequence,
        DateTimeOffset SubmittedAt, DateTimeOffset? ReceivedAt, DateTimeOffset? AppointmentAt, DateTimeOffset? OriginalAppointmentAt,
        DateTimeOffset? DueAt, DateTimeOffset? AtRiskAt, DateTimeOffset? PausedAt, long PausedSeconds, int SupplementRequests, string Supplements,
        bool AtRisk, bool Overdue, int Apologies, DateTimeOffset? EndedAt)
    {
        public State ToState() => new(Code, ProcedureCode, ReceivingUnit, DecidingAgency, Status, StatusNames.Of((DossierStatus)Status), Sequence,
            SubmittedAt, ReceivedAt, AppointmentAt, OriginalAppointmentAt, DueAt, AtRiskAt, PausedAt, PausedSeconds, SupplementRequests,
            JsonSerializer.Deserialize<List<SupplementRound>>(Supplements, MessageJson.Options) ?? [], AtRisk, Overdue, Apologies > 0, Apologies,
            EndedAt);
    }
}
