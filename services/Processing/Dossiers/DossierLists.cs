using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// GET /api/v1/dossiers?view=open|at-risk|overdue: the caller's agency's dossiers (received or decided there; every
/// agency's for the city's office) that are open, at risk or overdue by <see cref="Deadlines"/>, keyset-paged by code like
/// Intake's list. An overdue dossier stays listed until it is finished, with whether an apology (form 04) was issued, so
/// the officers who owe one find it.
/// </summary>
public static class DossierLists
{
    public sealed record Page(string View, DateTimeOffset AsOf, IReadOnlyList<DossierState.State> Items, string? NextAfter);

    private static readonly Dictionary<string, string> Views = new(StringComparer.Ordinal)
    {
        ["open"] = Deadlines.Open,
        ["at-risk"] = Deadlines.AtRisk,
        ["overdue"] = Deadlines.Overdue,
    };

    public static IEndpointRouteBuilder MapDossierLists(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", HandleAsync).WithName("ListDossierStates")
            .WithSummary("The agency's open, at-risk or overdue dossiers (view=open|at-risk|overdue), by code, keyset-paged (after, limit ≤ 200)")
            .RequireScope(Scopes.Reception, Scopes.Processing)
            .WithExamples(null, new Page("at-risk", DateTimeOffset.Parse("2026-12-02T09:00:00+07:00"), [DossierState.Example], null));
        return app;
    }

    private static async Task<Results<Ok<Page>, ProblemHttpResult>> HandleAsync(string? view, string? after, int? limit, Caller caller,
        NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var name = view ?? "open";
        if (!Views.TryGetValue(name, out var condition))
            errors.Add(new("view", "one-of", "view là open, at-risk hoặc overdue", "view is open, at-risk or overdue"));
        if (limit is < 1 or > 200) errors.Add(new("limit", "range", "limit từ 1 đến 200", "limit is between 1 and 200"));
        if (after is { Length: > 64 }) errors.Add(new("after", "max-length", "after tối đa 64 ký tự", "after has at most 64 characters"));
        if (errors.Count > 0) return Problems.Validation(errors);

        var take = limit ?? 50;
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        var items = (await connection.QueryAsync<DossierState.Row>(new CommandDefinition($"""
            {DossierState.Select}
            WHERE {DossierRecords.VisibleToCaller} AND {condition} AND (@after::text IS NULL OR code > @after)
            ORDER BY code LIMIT @take
            """, new { agency = caller.Agency, all = caller.SeesAllAgencies, now, after, take }, cancellationToken: ct)))
            .Select(r => r.ToState()).ToList();
        return TypedResults.Ok(new Page(name, now, items, items.Count == take ? items[^1].Code : null));
    }
}
