using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// A procedure version as the API shows it (flat, with the derived status and flags). <see cref="PaperResult"/> is
/// <c>unknown</c> until recorded, never shown as false.
/// </summary>
public sealed record ProcedureView(
    string Code, int Version, ProcedureStatus Status, bool OpenForSubmission, string Name, string Field, ProcedureLevel? Level,
    string? DecidingAgency, IReadOnlyList<RequiredDocument> Documents, IReadOnlyList<Fee>? Fees, bool? FeeBearing,
    ProcessingTime? ProcessingTime, ProcessingTime? OnlineProcessingTime, OnlineServiceLevel OnlineLevel, DateOnly? OnlineLevelSince,
    string? ResultText, ResultForm ResultForm, PaperResult PaperResult, bool? BoundaryFree, DateOnly? EffectiveFrom, DateOnly? PublishedOn, bool? PublishedOnTime,
    string? Source, string? Notes, DateTimeOffset CreatedAt, string? FieldCode)
{
    public static ProcedureView From(ProcedureVersion v)
    {
        var c = v.Content;
        return new(v.Code, v.Version, v.Status, v.IsOpenForSubmission, c.Name, c.Field, c.Level, c.DecidingAgency, c.Documents, c.Fees,
            v.FeeBearing, c.ProcessingTime, c.OnlineProcessingTime, c.OnlineLevel, c.OnlineLevelSince, c.ResultText, c.ResultForm,
            PaperResults.Of(c.PaperResult), c.BoundaryFree,
            c.EffectiveFrom, c.PublishedOn, v.PublishedOnTime, c.Source, c.Notes, v.CreatedAt, c.FieldCode);
    }
}

/// <summary>A line of a search result.</summary>
public sealed record ProcedureSummary(
    string Code, int Version, ProcedureStatus Status, string Name, string Field, ProcedureLevel? Level, string? DecidingAgency,
    ProcessingTime? ProcessingTime, OnlineServiceLevel OnlineLevel, bool? FeeBearing, string? FieldCode)
{
    public static ProcedureSummary From(ProcedureVersion v) => new(v.Code, v.Version, v.Status, v.Content.Name, v.Content.Field,
        v.Content.Level, v.Content.DecidingAgency, v.Content.ProcessingTime, v.Content.OnlineLevel, v.FeeBearing, v.Content.FieldCode);
}

/// <summary>GET /api/v1/procedures/{code}: the current version and the list of all versions.</summary>
public sealed record ProcedureDetail(ProcedureView Current, IReadOnlyList<VersionInfo> Versions);

/// <summary>
/// The published procedure catalogue and the receiving units. Reading is public (the catalogue is public
/// information); writing needs the procedures.admin scope, and each write is audited and announced through the outbox
/// in its own transaction.
/// </summary>
public static class CatalogueApi
{
    public static IEndpointRouteBuilder MapCatalogue(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/procedures").WithTags("Catalogue");
        group.MapGet("/", SearchAsync).AllowAnonymous().WithName("SearchProcedures").WithExamples(response: IntakeExamples.ProcedureSearch)
            .WithSummary("Search the catalogue (diacritics-insensitive q; field, level, onlineLevel, status; limit/offset)")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        group.MapGet("/{code}", GetAsync).AllowAnonymous().WithName("GetProcedure").WithExamples(response: IntakeExamples.ProcedureDetail)
            .WithSummary("A procedure's current version, with all its versions listed");
        group.MapGet("/{code}/versions/{version:int}", GetVersionAsync).AllowAnonymous().WithName("GetProcedureVersion").WithExamples(response: IntakeExamples.ProcedureVersion)
            .WithSummary("One version of a procedure, exactly as published");
        group.MapPost("/", CreateAsync).RequireScope(Scopes.ProceduresAdmin).WithName("CreateProcedure").ProducesProblems(409, "procedure-exists").ProducesProblems(400, "unknown-agency").WithExamples(IntakeExamples.ProcedureInput)
            .WithSummary("Publish a new procedure (version 1)")
            .ProducesProblems(StatusCodes.Status400BadRequest).ProducesProblems(StatusCodes.Status409Conflict);
        group.MapPut("/{code}", ChangeAsync).RequireScope(Scopes.ProceduresAdmin).WithName("ChangeProcedure").ProducesProblems(409, "stale-base-version").ProducesProblems(400, "unknown-agency").WithExamples(IntakeExamples.ProcedureInput)
            .WithSummary("Change a procedure: a new version when anything differs")
            .ProducesProblems(StatusCodes.Status400BadRequest).ProducesProblems(StatusCodes.Status409Conflict);
        group.MapPost("/import", ImportAsync).RequireScope(Scopes.ProceduresAdmin).WithName("ImportProcedures").ProducesProblems(400, "invalid-encoding").ProducesProblems(415, "unsupported-media-type").WithExamples(response: IntakeExamples.ImportReport)
            .WithSummary("Upsert procedures from CSV in the seed format (text/csv), optionally with a last column field_code")
            .Accepts<string>("text/csv")
            .ProducesProblems(StatusCodes.Status400BadRequest).ProducesProblems(StatusCodes.Status415UnsupportedMediaType);
        var units = app.MapGroup("/api/v1/receiving-units").WithTags("Catalogue");
        units.MapGet("/", SearchUnitsAsync).AllowAnonymous().WithName("SearchReceivingUnits").WithExamples(response: new { items = new[] { IntakeExamples.ReceivingUnit }, total = 1, limit = 50, offset = 0 })
            .WithSummary("Receiving units (communes and the city level), diacritics-insensitive q");
        units.MapGet("/{id}", GetUnitAsync).AllowAnonymous().WithName("GetReceivingUnit").WithExamples(response: IntakeExamples.ReceivingUnit)
            .WithSummary("One receiving unit");
        return app;
    }

    public static async Task<Results<Ok<SearchPage<ProcedureSummary>>, ProblemHttpResult>> SearchAsync(
        NpgsqlDataSource db, string? q, string? field, string? level, string? onlineLevel, string? status, int? limit, int? offset,
        CancellationToken ct)
    {
        var (query, errors) = ProcedureQuery.From(q, field, level, onlineLevel, status, limit, offset);
        if (errors.Count > 0) return Problems.Validation(errors);
        var page = await CatalogueSearch.SearchAsync(db, query!, ct);
        return TypedResults.Ok(new SearchPage<ProcedureSummary>(page.Items.Select(ProcedureSummary.From).ToList(), page.Total, page.Limit, page.Offset));
    }

    public static async Task<Results<Ok<ProcedureDetail>, NotFound>> GetAsync(string code, NpgsqlDataSource db, CancellationToken ct)
    {
        var current = await CatalogueStore.GetCurrentAsync(db, code, ct);
        if (current is null) return TypedResults.NotFound();
        var versions = await CatalogueStore.ListVersionsAsync(db, code, ct);
        return TypedResults.Ok(new ProcedureDetail(ProcedureView.From(current), versions));
    }

    public static async Task<Results<Ok<ProcedureView>, NotFound>> GetVersionAsync(string code, int version, NpgsqlDataSource db, CancellationToken ct)
        => await CatalogueStore.GetVersionAsync(db, code, version, ct) is { } found
            ? TypedResults.Ok(ProcedureView.From(found))
            : TypedResults.NotFound();

    public static async Task<Results<Created<ProcedureView>, ProblemHttpResult>> CreateAsync(
        ProcedureInput input, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var (code, content, errors) = ProcedureInputRules.ForCreate(input);
        if (errors.Count > 0) return Problems.Validation(errors);

        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await Agencies.CatalogueAgencyCheck.CheckAsync(tx, content!.DecidingAgency, now.VietnamDate(), ct) is { } unknown)
            return Problems.Validation([unknown], "unknown-agency");
        var result = await CatalogueStore.CreateAsync(tx, code!.Value, content!, Actor(http, caller), "api", now, ct);
        if (result.Outcome == WriteOutcome.AlreadyExists)
            return Problems.Of(StatusCodes.Status409Conflict, "procedure-exists",
                "Thủ tục với mã này đã có; hãy sửa đổi bằng PUT", "A procedure with this code exists; change it with PUT",
                $"Procedure {code} is at version {result.Current?.Version}.");
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/procedures/{code}", ProcedureView.From(result.Current!));
    }

    public static async Task<Results<Ok<ProcedureView>, NotFound, ProblemHttpResult>> ChangeAsync(
        string code, ProcedureInput input, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (!ProcedureCode.TryParse(code, out _)) return TypedResults.NotFound();
        var (content, errors) = ProcedureInputRules.ForChange(code, input);
        if (errors.Count > 0) return Problems.Validation(errors);

        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await Agencies.CatalogueAgencyCheck.CheckAsync(tx, content!.DecidingAgency, now.VietnamDate(), ct) is { } unknown)
            return Problems.Validation([unknown], "unknown-agency");
        var result = await CatalogueStore.ChangeAsync(tx, code, content!, input.BaseVersion, Actor(http, caller), "api", now, ct);
        switch (result.Outcome)
        {
            case WriteOutcome.NotFound:
                return TypedResults.NotFound();
            case WriteOutcome.StaleBaseVersion:
                return Problems.Of(StatusCodes.Status409Conflict, "stale-base-version",
                    "Thủ tục đã được sửa đổi sau phiên bản gốc; hãy tải lại", "The procedure changed after the base version; reload it",
                    $"baseVersion is {input.BaseVersion}; the current version is {result.Current!.Version}.");
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(ProcedureView.From(result.Current!));
    }

    /// <summary>POST /api/v1/procedures/import: the body is the CSV text (Content-Type text/csv, UTF-8).</summary>
    public static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, Caller caller, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (!string.Equals(request.GetTypedHeaders().ContentType?.MediaType.Value, "text/csv", StringComparison.OrdinalIgnoreCase))
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "Nội dung phải là CSV (text/csv)", "The body must be CSV (text/csv)");
        string csv;
        try
        {
            using var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
            csv = await reader.ReadToEndAsync(ct);
        }
        catch (DecoderFallbackException)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "invalid-encoding",
                "Nội dung CSV phải được mã hóa UTF-8", "The CSV must be encoded in UTF-8");
        }
        return await ImportCsvAsync(csv, caller, request.HttpContext, db, time, ct);
    }

    /// <summary>The import once the body is read: all rows valid or nothing written; one transaction for the whole text.</summary>
    public static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportCsvAsync(
        string csv, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var (rows, errors) = ProcedureCsv.Read(csv);
        if (errors.Count > 0) return Problems.Validation(errors);

        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var report = await CatalogueStore.ImportAsync(tx, rows, Actor(http, caller), "import", now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(report);
    }

    public static async Task<Results<Ok<SearchPage<ReceivingUnit>>, ProblemHttpResult>> SearchUnitsAsync(
        NpgsqlDataSource db, string? q, int? limit, int? offset, CancellationToken ct)
    {
        var errors = ReceivingUnits.Validate(ref q, limit, offset);
        if (errors.Count > 0) return Problems.Validation(errors);
        return TypedResults.Ok(await ReceivingUnits.SearchAsync(db, q, limit ?? ReceivingUnits.DefaultLimit, offset ?? 0, ct));
    }

    public static async Task<Results<Ok<ReceivingUnit>, NotFound>> GetUnitAsync(string id, NpgsqlDataSource db, CancellationToken ct)
        => await ReceivingUnits.GetAsync(db, id, ct) is { } unit ? TypedResults.Ok(unit) : TypedResults.NotFound();

    private static AuditActor Actor(HttpContext http, Caller caller) => AuditActor.FromRequest(http, caller.ClientId, caller.Agency);
}
