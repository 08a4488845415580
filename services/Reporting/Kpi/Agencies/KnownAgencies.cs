using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.ServiceDefaults;

namespace Procedures.Reporting.Kpi.Agencies;

/// <summary>
/// The rule for every KPI parameter naming an agency or a receiving unit: it must be in the register of agencies (Reporting's
/// projection of Intake's, <see cref="ProjectAgencies"/>; receiving units are in it as their commune's or the city's
/// committee). An unknown one would otherwise be answered with an empty period's points as if it were a real agency.
/// A dissolved agency stays known: its past periods are still reported.
/// </summary>
public static class KnownAgencies
{
    /// <summary>The problem type of a refusal (the same slug Intake answers for a deciding agency outside the register).</summary>
    public const string ProblemType = "unknown-agency";

    /// <summary>The problem type while the register has not reached Reporting.</summary>
    public const string NotLoaded = "agency-register-not-loaded";

    /// <summary>
    /// Null when every named code is known; else the problem to answer: 400 naming each unknown parameter, or 503 while
    /// the register has not reached Reporting yet (a fresh deployment: every agency would be "unknown").
    /// </summary>
    public static async Task<ProblemHttpResult?> CheckAsync(NpgsqlDataSource db, IReadOnlyList<(string Field, string? Code)> named, CancellationToken ct,
        int limit = int.MaxValue)
    {
        var codes = named.Where(n => n.Code is not null).Select(n => n.Code!).Distinct(StringComparer.Ordinal).ToArray();
        if (codes.Length == 0) return null;
        await using var connection = await db.OpenConnectionAsync(ct);
        var known = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM agencies WHERE id = ANY(@codes)", new { codes }, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
        if (known.Count == 0 && !await AnyAsync(connection, ct)) return RegisterNotLoaded();
        var errors = named.Where(n => n.Code is not null && !known.Contains(n.Code)).Select(n => Unknown(n.Field)).Take(limit).ToList();
        return errors.Count == 0 ? null : Problems.Validation(errors, ProblemType);
    }

    public static FieldError Unknown(string field) => new(field, "unknown-agency",
        "Cơ quan hoặc đơn vị không có trong danh mục cơ quan", "No agency or receiving unit with this identifier is in the register of agencies");

    private static Task<bool> AnyAsync(NpgsqlConnection connection, CancellationToken ct)
        => connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM agencies)", cancellationToken: ct));

    private static ProblemHttpResult RegisterNotLoaded()
        => Problems.Of(StatusCodes.Status503ServiceUnavailable, NotLoaded,
            "Báo cáo chưa nhận được danh mục cơ quan, vui lòng thử lại sau",
            "Reporting has not received the register of agencies yet; retry later");
}
