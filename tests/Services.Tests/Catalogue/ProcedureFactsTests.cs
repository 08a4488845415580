using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Intake.Catalogue;
using Procedures.Messaging.Audit;
using Procedures.TestInfrastructure;
using static Procedures.Services.Tests.Catalogue.CatalogueTesting;
using static Procedures.Services.Tests.Catalogue.CatalogueVersioningTests;

namespace Procedures.Services.Tests.Catalogue;

/// <summary>
/// The two facts the 766 index needs (issue 24 item 3) — whether the result must be a paper original, and the online
/// level with the date it took effect — through the catalogue's admin handlers and the CSV import, on the seeded catalogue.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ProcedureFactsTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private readonly TestClock _time = new(Now.AddDays(3));
    private const string Code = "1.004222";

    public async Task InitializeAsync() => _db = await CreateSeededAsync(infra);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<IResult> ChangeAsync(ProcedureInput input)
        => (await CatalogueApi.ChangeAsync(Code, input, Admin, new DefaultHttpContext(), _db, _time, CancellationToken.None)).Result;

    private async Task<IResult> ImportAsync(string csv)
        => (await CatalogueApi.ImportCsvAsync(csv, Admin, new DefaultHttpContext(), _db, _time, CancellationToken.None)).Result;

    private Task<ProcedureVersion?> VersionAsync(int version) => CatalogueStore.GetVersionAsync(_db, Code, version, CancellationToken.None);

    [Fact]
    public async Task Seeded_procedures_show_both_facts_as_unknown()
    {
        var v1 = (await VersionAsync(1))!;
        var view = ProcedureView.From(v1);
        Assert.Equal((PaperResult.Unknown, OnlineServiceLevel.Unknown, (DateOnly?)null), (view.PaperResult, view.OnlineLevel, view.OnlineLevelSince));
        var published = Assert.Single(await OutboxAsync(_db, typeof(ProcedurePublished)), e => e.GetProperty("procedureCode").GetString() == Code);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, published.GetProperty("paperResult").ValueKind);
    }

    [Fact]
    public async Task Recording_the_facts_makes_an_audited_version_announced_with_them_and_the_old_version_keeps_unknown()
    {
        var v1 = (await VersionAsync(1))!;
        var changed = Assert.IsType<Ok<ProcedureView>>(await ChangeAsync(AsInput(v1) with
        {
            PaperResult = "true", OnlineLevel = "full", OnlineLevelSince = "2026-02-01", BaseVersion = 1,
        })).Value!;

        Assert.Equal((2, PaperResult.True, OnlineServiceLevel.Full, new DateOnly(2026, 2, 1)),
            (changed.Version, changed.PaperResult, changed.OnlineLevel, changed.OnlineLevelSince));
        var stored = (await VersionAsync(2))!.Content;
        Assert.Equal((true, new DateOnly(2026, 2, 1)), (stored.PaperResult, stored.OnlineLevelSince));
        Assert.Equal((null, (DateOnly?)null), ((await VersionAsync(1))!.Content.PaperResult, (await VersionAsync(1))!.Content.OnlineLevelSince));

        var evt = Assert.Single(await OutboxAsync(_db, typeof(ProcedureChanged)));
        Assert.Equal((Code, 2, true, "full", "2026-02-01"), (evt.GetProperty("procedureCode").GetString(), evt.GetProperty("version").GetInt32(),
            evt.GetProperty("paperResult").GetBoolean(), evt.GetProperty("onlineLevel").GetString(), evt.GetProperty("onlineLevelSince").GetString()));
        var audit = Assert.Single(await AuditLog.QueryAsync(_db, new AuditQuery(Resource: Code), CancellationToken.None),
            a => a.Action == "procedure.change");
        Assert.Equal("catalogue-admin", audit.ClientId);

        // Saying "false" is a change too; saying the same again is not.
        var v2 = (await VersionAsync(2))!;
        Assert.Equal(3, Assert.IsType<Ok<ProcedureView>>(await ChangeAsync(AsInput(v2) with { PaperResult = "false" })).Value!.Version);
        Assert.Equal(3, Assert.IsType<Ok<ProcedureView>>(await ChangeAsync(AsInput((await VersionAsync(3))!))).Value!.Version);
        Assert.Equal(false, (await VersionAsync(3))!.Content.PaperResult);
    }

    [Fact]
    public async Task A_wrong_fact_is_named_and_nothing_is_written()
    {
        var v1 = (await VersionAsync(1))!;
        var errors = FieldErrors(await ChangeAsync(AsInput(v1) with { PaperResult = "yes", OnlineLevel = "unknown", OnlineLevelSince = "2026-02-01" }));
        Assert.Equal([("onlineLevelSince", "needs-online-level"), ("paperResult", "one-of")],
            errors.Select(e => (e.Field, e.Rule)).OrderBy(e => e.Field, StringComparer.Ordinal));
        Assert.All(errors, AssertBilingual);
        Assert.Contains("unknown, true, false", errors.Single(e => e.Field == "paperResult").En, StringComparison.Ordinal);
        var bad = FieldErrors(await ChangeAsync(AsInput(v1) with { OnlineLevel = "partial", OnlineLevelSince = "1/2/2026" }));
        Assert.Equal(("onlineLevelSince", "date"), (Assert.Single(bad).Field, bad[0].Rule));
        Assert.Equal(1, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE code = @Code", new { Code }));
    }

    private static string Csv(string paper, string since, string level = "partial")
    {
        var rows = SplitRecords(SeedRows(Code));
        // The seed's short header and row, with the two columns added (and the row's online level set).
        return string.Join("\n", rows[0].TrimEnd() + ",paper_result,online_level_since",
            rows[1].TrimEnd().Replace(",20000,unknown,", $",20000,{level},", StringComparison.Ordinal) + $",{paper},{since}") + "\n";
    }

    [Fact]
    public async Task The_csv_carries_both_facts_and_importing_the_same_text_again_changes_nothing()
    {
        var csv = Csv("true", "2026-01-15");
        var report = Assert.IsType<Ok<ImportReport>>(await ImportAsync(csv)).Value!;
        Assert.Equal([Code], report.Changed);
        var v2 = (await VersionAsync(2))!.Content;
        Assert.Equal((true, OnlineServiceLevel.Partial, new DateOnly(2026, 1, 15)), (v2.PaperResult, v2.OnlineLevel, v2.OnlineLevelSince));

        var again = Assert.IsType<Ok<ImportReport>>(await ImportAsync(csv)).Value!;
        Assert.Equal([Code], again.Unchanged);
        // Empty cells (or "unknown"), and the seed's short header, never erase a recorded fact.
        Assert.Equal([Code], Assert.IsType<Ok<ImportReport>>(await ImportAsync(Csv("unknown", "", "partial"))).Value!.Unchanged);
        Assert.Equal([Code], Assert.IsType<Ok<ImportReport>>(await ImportAsync(SeedRows(Code))).Value!.Unchanged);
        // A new level without a date: the old date belonged to the old level.
        Assert.Equal([Code], Assert.IsType<Ok<ImportReport>>(await ImportAsync(Csv("false", "", "full"))).Value!.Changed);
        var v3 = (await VersionAsync(3))!.Content;
        Assert.Equal((false, OnlineServiceLevel.Full, (DateOnly?)null), (v3.PaperResult, v3.OnlineLevel, v3.OnlineLevelSince));
        Assert.Equal(3, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE code = @Code", new { Code }));
    }

    [Fact]
    public async Task A_wrong_csv_cell_is_named_by_line_and_column()
    {
        var errors = FieldErrors(await ImportAsync(Csv("maybe", "2026-01-15", level: "unknown")));
        Assert.Equal([("rows[2].online_level_since", "needs-online-level"), ("rows[2].paper_result", "one-of")],
            errors.Select(e => (e.Field, e.Rule)).OrderBy(e => e.Field, StringComparer.Ordinal));
        Assert.All(errors, AssertBilingual);
        Assert.Equal(1, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE code = @Code", new { Code }));
    }
}
