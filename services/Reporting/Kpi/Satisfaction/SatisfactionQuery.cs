using Dapper;
using Npgsql;
using Procedures.Reporting.Kpi.Api;

namespace Procedures.Reporting.Kpi.Satisfaction;

/// <summary>
/// Reads the satisfaction rows of an index's period and filter (agency: the responsible/deciding agency; commune: the
/// receiving unit for dossier ratings, the responsible agency for feedback; procedure) and tallies them with the pure
/// <see cref="SatisfactionTally"/> functions.
/// </summary>
public static class SatisfactionQuery
{
    public static async Task<SatisfactionTally> TallyAsync(NpgsqlConnection connection, IndexFilter filter, DateTimeOffset judgedAt, CancellationToken ct)
    {
        Facts.FactStore.RegisterTypes();
        var feedback = await connection.QueryAsync<FeedbackDeadline>(new CommandDefinition("""
            SELECT due_at AS DueAt, answered_at AS AnsweredAt FROM feedback_facts
            WHERE due_day BETWEEN @From AND @To AND (@Agency::text IS NULL OR agency = @Agency)
              AND (@Commune::text IS NULL OR agency = @Commune) AND (@Procedure::text IS NULL OR procedure_code = @Procedure)
            """, filter, cancellationToken: ct));
        var answers = await connection.QueryAsync<bool>(new CommandDefinition("""
            SELECT satisfied FROM feedback_facts
            WHERE rated_day BETWEEN @From AND @To AND satisfied IS NOT NULL AND (@Agency::text IS NULL OR agency = @Agency)
              AND (@Commune::text IS NULL OR agency = @Commune) AND (@Procedure::text IS NULL OR procedure_code = @Procedure)
            """, filter, cancellationToken: ct));
        var ratings = await connection.QueryAsync<bool>(new CommandDefinition("""
            SELECT satisfied FROM satisfaction_ratings
            WHERE rated_day BETWEEN @From AND @To AND (@Agency::text IS NULL OR agency = @Agency)
              AND (@Commune::text IS NULL OR unit = @Commune) AND (@Procedure::text IS NULL OR procedure_code = @Procedure)
            """, filter, cancellationToken: ct));
        return SatisfactionTally.Of(feedback, answers, ratings, judgedAt);
    }
}
