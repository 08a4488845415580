using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Intake.Catalogue;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Agencies;

/// <summary>
/// The register of agencies: public reads (who may decide is public information), writes under procedures.admin like
/// the catalogue, each a new version, audited.
/// </summary>
public static class AgencyApi
{
    private static readonly AgencyView Example = new("000.00.00.H29", 1, "UBND Thành phố Hồ Chí Minh", Agency.CityPeopleCommittee, true,
        null, null, true, "ReceivingUnits.City; identifier: local scheme, docs/agencies.md", DateTimeOffset.Parse("2026-03-02T02:30:00Z"));

    private static readonly AgencyInput ExampleInput = new("000.SO.12.H29", "Sở Tư pháp Thành phố Hồ Chí Minh", Agency.Department, true,
        new DateOnly(2025, 7, 1), null, true, "hcmc-agencies.SOURCES.md");

    public static RouteGroupBuilder MapAgencies(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/agencies").WithTags("Agencies");
        group.MapGet("/", SearchAsync).AllowAnonymous().WithName("SearchAgencies")
            .WithExamples(response: new { items = new[] { Example }, total = 1, limit = 50, offset = 0 })
            .WithSummary("The register of agencies (communes, their police, the city, its departments and police units); q, kind, limit/offset")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync).AllowAnonymous().WithName("GetAgency")
            .WithExamples(response: new AgencyDetail(Example, [Example]))
            .WithSummary("An agency's current version, with all its versions");
        group.MapPost("/", CreateAsync).RequireScope(Scopes.ProceduresAdmin).WithName("CreateAgency").WithExamples(ExampleInput, Example)
            .WithSummary("Add an agency to the register (version 1)")
            .ProducesProblems(StatusCodes.Status400BadRequest).ProducesProblems(StatusCodes.Status409Conflict, "agency-exists");
        group.MapPut("/{id}", ChangeAsync).RequireScope(Scopes.ProceduresAdmin).WithName("ChangeAgency").WithExamples(ExampleInput, Example)
            .WithSummary("Change an agency: a new version when anything differs (set effectiveTo when it is dissolved)")
            .ProducesProblems(StatusCodes.Status400BadRequest).ProducesProblems(StatusCodes.Status409Conflict, "stale-base-version");
        return group;
    }

    public static async Task<Results<Ok<SearchPage<AgencyView>>, ProblemHttpResult>> SearchAsync(
        NpgsqlDataSource db, string? q, string? kind, int? limit, int? offset, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        q = Rules.Text(q, "q", errors);
        if (q is { Length: > AgencyStore.MaxQ }) errors.Add(Rules.MaxLength("q", "Từ khóa tìm kiếm", "The search text", AgencyStore.MaxQ));
        kind = Rules.Text(kind, "kind", errors);
        if (kind is not null && !Agency.Kinds.Contains(kind)) errors.Add(Rules.OneOf("kind", "Loại cơ quan", "The kind", Agency.Kinds));
        if (limit is < 1 or > AgencyStore.MaxLimit) errors.Add(Rules.Range("limit", "Số kết quả mỗi trang", "The page size", 1, AgencyStore.MaxLimit));
        if (offset is < 0 or > AgencyStore.MaxOffset) errors.Add(Rules.Range("offset", "Vị trí bắt đầu", "The offset", 0, AgencyStore.MaxOffset));
        if (errors.Count > 0) return Problems.Validation(errors);
        return TypedResults.Ok(await AgencyStore.SearchAsync(db, q, kind, limit ?? AgencyStore.DefaultLimit, offset ?? 0, ct));
    }

    public static async Task<Results<Ok<AgencyDetail>, NotFound>> GetAsync(string id, NpgsqlDataSource db, CancellationToken ct)
    {
        var versions = await AgencyStore.ListVersionsAsync(db, id, ct);
        var current = await AgencyStore.GetCurrentAsync(db, id, ct);
        return current is null ? TypedResults.NotFound() : TypedResults.Ok(new AgencyDetail(AgencyView.From(current), versions.Select(AgencyView.From).ToList()));
    }

    public static async Task<Results<Created<AgencyView>, ProblemHttpResult>> CreateAsync(
        AgencyInput input, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var (id, content, errors) = Agency.Validate(input);
        if (errors.Count > 0) return Problems.Validation(errors);
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await AgencyStore.CreateAsync(tx, id!, content!, Actor(http, caller), now, ct);
        if (result.Outcome == WriteOutcome.AlreadyExists)
            return Problems.Of(StatusCodes.Status409Conflict, "agency-exists",
                "Cơ quan với mã này đã có; hãy sửa đổi bằng PUT", "An agency with this id exists; change it with PUT",
                $"Agency {id} is at version {result.Current?.Version}.");
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/agencies/{id}", AgencyView.From(result.Current!));
    }

    public static async Task<Results<Ok<AgencyView>, NotFound, ProblemHttpResult>> ChangeAsync(
        string id, AgencyInput input, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var (_, content, errors) = Agency.Validate(input, id);
        if (errors.Count > 0) return Problems.Validation(errors);
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await AgencyStore.ChangeAsync(tx, id, content!, input.BaseVersion, Actor(http, caller), now, ct);
        switch (result.Outcome)
        {
            case WriteOutcome.NotFound:
                return TypedResults.NotFound();
            case WriteOutcome.StaleBaseVersion:
                return Problems.Of(StatusCodes.Status409Conflict, "stale-base-version",
                    "Cơ quan đã được sửa đổi sau phiên bản gốc; hãy tải lại", "The agency changed after the base version; reload it",
                    $"baseVersion is {input.BaseVersion}; the current version is {result.Current!.Version}.");
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(AgencyView.From(result.Current!));
    }

    private static AuditActor Actor(HttpContext http, Caller caller) => AuditActor.FromRequest(http, caller.ClientId, caller.Agency);
}
