using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Intake.Catalogue;
using Procedures.TestInfrastructure;
using static Procedures.Services.Tests.Catalogue.CatalogueTesting;

namespace Procedures.Services.Tests.Catalogue;

/// <summary>POST /api/v1/procedures/import through its handler, on the seeded catalogue.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CatalogueImportTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private readonly TestClock _time = new(Now.AddDays(7));

    public async Task InitializeAsync() => _db = await CreateSeededAsync(infra);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<IResult> ImportAsync(string csv)
        => (await CatalogueApi.ImportCsvAsync(csv, Admin, new DefaultHttpContext(), _db, _time, CancellationToken.None)).Result;

    private async Task<ImportReport> ImportOkAsync(string csv) => Assert.IsType<Ok<ImportReport>>(await ImportAsync(csv)).Value!;

    [Fact]
    public async Task Reimporting_the_seed_changes_nothing_and_announces_nothing()
    {
        var outbox = await CountAsync(_db, "SELECT count(*) FROM messaging.outbox");

        var report = await ImportOkAsync(SeedData.ProceduresCsv);

        Assert.Equal((0, 0, 57), (report.Created.Count, report.Changed.Count, report.Unchanged.Count));
        Assert.Equal(57, await CountAsync(_db, "SELECT count(*) FROM procedure_versions"));
        Assert.Equal(outbox, await CountAsync(_db, "SELECT count(*) FROM messaging.outbox"));
    }

    [Fact]
    public async Task A_field_code_column_states_the_code_and_without_it_the_register_s_code_applies()
    {
        var header = string.Join(",", ProcedureCsv.Header);
        var report = await ImportOkAsync($"{header},field_code\n1.888101,Thủ tục A,Lĩnh vực mới,,,,,,,,,,,,L-MOI\n1.888102,Thủ tục B,Hộ tịch,,,,,,,,,,,,\n");

        Assert.Equal(["1.888101", "1.888102"], report.Created);
        Assert.Equal("L-MOI", (await CatalogueStore.GetCurrentAsync(_db, "1.888101", CancellationToken.None))!.Content.FieldCode);
        Assert.Equal("BTP-HOTICH", (await CatalogueStore.GetCurrentAsync(_db, "1.888102", CancellationToken.None))!.Content.FieldCode);

        // The code alone changed: a new version with it; a malformed code is refused naming the cell.
        var changed = await ImportOkAsync($"{header},field_code\n1.888101,Thủ tục A,Lĩnh vực mới,,,,,,,,,,,,L-KHAC\n");
        Assert.Equal(["1.888101"], changed.Changed);
        Assert.Equal("L-KHAC", (await CatalogueStore.GetCurrentAsync(_db, "1.888101", CancellationToken.None))!.Content.FieldCode);
        var broken = FieldErrors(await ImportAsync($"{header},field_code\n1.888103,Thủ tục C,Hộ tịch,,,,,,,,,,,,mã có dấu\n"));
        Assert.Equal(("rows[2].field_code", "format"), broken.Select(e => (e.Field, e.Rule)).Single());
    }

    [Fact]
    public async Task A_changed_row_gets_a_new_version_and_the_others_stay()
    {
        var rows = SplitRecords(SeedData.ProceduresCsv);
        var i = rows.FindIndex(r => r.StartsWith("2.000815,", StringComparison.Ordinal));
        rows[i] = rows[i].Replace(",commune,,,2000,", ",commune,,,3000,", StringComparison.Ordinal);

        var report = await ImportOkAsync(string.Join("\n", rows));

        Assert.Equal(["2.000815"], report.Changed);
        Assert.Equal(56, report.Unchanged.Count);
        var current = (await CatalogueStore.GetCurrentAsync(_db, "2.000815", CancellationToken.None))!;
        Assert.Equal((2, 3000L), (current.Version, Assert.Single(current.Content.Fees!).AmountVnd));
        Assert.Equal(2000, Assert.Single((await CatalogueStore.GetVersionAsync(_db, "2.000815", 1, CancellationToken.None))!.Content.Fees!).AmountVnd);
        var evt = Assert.Single(await OutboxAsync(_db, typeof(ProcedureChanged)));
        Assert.Equal(("2.000815", 2), (evt.GetProperty("procedureCode").GetString(), evt.GetProperty("version").GetInt32()));
        Assert.Equal(58, await CountAsync(_db, "SELECT count(*) FROM procedure_versions"));
    }

    [Fact]
    public async Task A_new_code_is_created_and_importing_it_again_creates_nothing()
    {
        var csv = SeedRows("1.001193").Replace("1.001193,", "1.001193.H29,", StringComparison.Ordinal);

        Assert.Equal(["1.001193.H29"], (await ImportOkAsync(csv)).Created);
        var again = await ImportOkAsync(csv);

        Assert.Equal((0, 0, 1), (again.Created.Count, again.Changed.Count, again.Unchanged.Count));
        Assert.Equal(1, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE code = '1.001193.H29'"));
        Assert.Single(await OutboxAsync(_db, typeof(ProcedurePublished)), e => e.GetProperty("procedureCode").GetString() == "1.001193.H29");
    }

    [Fact]
    public async Task Import_keeps_what_an_administrator_stated_and_the_csv_cannot_say()
    {
        var draft = (await CatalogueStore.GetCurrentAsync(_db, "2.001610", CancellationToken.None))!;
        await using (var connection = await _db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await CatalogueStore.ChangeAsync(tx, "2.001610", draft.Content with
            {
                DecidingAgency = "000.20.32.H29", EffectiveFrom = new DateOnly(2026, 4, 1), PublishedOn = new DateOnly(2026, 3, 1),
                Fees = [new Fee("PL01", "Phí công bố nội dung đăng ký doanh nghiệp", 100_000, FeePayable.OnSubmission)],
            }, null, CatalogueSeeder.Actor, "test", Now, CancellationToken.None);
            await tx.CommitAsync();
        }

        var unchanged = await ImportOkAsync(SeedRows("2.001610"));               // empty fee cell: the stated fee stays
        Assert.Equal(["2.001610"], unchanged.Unchanged);

        var report = await ImportOkAsync(SeedRows("2.001610").Replace(",3,working_days,", ",5,working_days,", StringComparison.Ordinal));
        Assert.Equal(["2.001610"], report.Changed);
        var v3 = (await CatalogueStore.GetCurrentAsync(_db, "2.001610", CancellationToken.None))!;
        Assert.Equal(3, v3.Version);
        Assert.Equal(new ProcessingTime(5, ProcessingUnit.WorkingDays), v3.Content.ProcessingTime);
        Assert.Equal("000.20.32.H29", v3.Content.DecidingAgency);
        Assert.Equal(new DateOnly(2026, 4, 1), v3.Content.EffectiveFrom);
        Assert.Equal(100_000, Assert.Single(v3.Content.Fees!).AmountVnd);
        Assert.True(v3.IsOpenForSubmission);
    }

    [Fact]
    public async Task Invalid_rows_are_reported_by_line_and_column_and_nothing_is_written()
    {
        // The header without the two issue-24 columns (paper_result, online_level_since), which is still read.
        var csv = string.Join("\n",
            string.Join(",", ProcedureCsv.Header[..12]),
            "1.888001,Thủ tục A,Hộ tịch,district,3,,abc,toan-trinh,,,,",
            "1.888002,,Hộ tịch,commune,0,weeks,-5,unknown,,,,",
            "1.888001,Thủ tục B,Hộ tịch,commune,,,,,,,,",
            "bad-code,Thủ tục C,Hộ tịch,,,,,,,,",
            "1.888003,\"Thủ tục \"\"D\"\", có dấu phẩy\",Hộ tịch,,,,,,,,,",
            "1.888004,\"Tên\nhai dòng\",Hộ tịch,,,,,,,,,",
            "1.888005,Thủ tục E,Hộ tịch,x,,,,,,,,") + "\n";
        var before = await CountAsync(_db, "SELECT count(*) FROM messaging.outbox");

        var errors = FieldErrors(await ImportAsync(csv));

        Assert.Equal(
        [
            ("rows[2].level", "one-of"), ("rows[2].processing_unit", "paired"), ("rows[2].fee_vnd", "format"), ("rows[2].online_level", "one-of"),
            ("rows[3].name", "required"), ("rows[3].processing_time", "range"), ("rows[3].processing_unit", "one-of"), ("rows[3].fee_vnd", "format"),
            ("rows[4].code", "unique"),
            ("rows[5]", "columns"),
            ("rows[7].name", "control-character"), // a line break in a name; the record spans lines 7-8
            ("rows[9].level", "one-of"),
        ], errors.Select(e => (e.Field, e.Rule)));
        Assert.All(errors, AssertBilingual);
        Assert.Equal(before, await CountAsync(_db, "SELECT count(*) FROM messaging.outbox"));
        Assert.Equal(0, await CountAsync(_db, "SELECT count(*) FROM procedures WHERE code LIKE '1.888%'"));
    }

    [Theory]
    [InlineData("code,name\n1.000001,x\n", "header", "header")]
    [InlineData("", "header", "header")]
    public async Task A_text_that_is_not_the_seed_format_is_refused(string csv, string field, string rule)
        => Assert.Equal((field, rule), FieldErrors(await ImportAsync(csv)).Select(e => (e.Field, e.Rule)).Single());

    [Fact]
    public async Task A_stray_quote_is_refused_with_its_line()
    {
        var csv = string.Join(",", ProcedureCsv.Header) + "\n1.888009,Thủ \"tục\",Hộ tịch,,,,,,,,,\n";

        Assert.Equal(("rows[2]", "quote"), FieldErrors(await ImportAsync(csv)).Select(e => (e.Field, e.Rule)).Single());
    }

    [Fact]
    public async Task Import_endpoint_wants_text_csv_in_utf8()
    {
        var http = new DefaultHttpContext();
        http.Request.ContentType = "application/json";
        http.Request.Body = new MemoryStream("{}"u8.ToArray());
        var wrongType = await CatalogueApi.ImportAsync(http.Request, Admin, _db, _time, CancellationToken.None);
        Assert.Equal(415, Assert.IsType<ProblemHttpResult>(wrongType.Result).StatusCode);

        http = new DefaultHttpContext();
        http.Request.ContentType = "text/csv; charset=utf-8";
        http.Request.Body = new MemoryStream([.. Encoding.UTF8.GetBytes(string.Join(",", ProcedureCsv.Header) + "\n1.888010,Th"), 0xC3, 0x28]);
        var badBytes = await CatalogueApi.ImportAsync(http.Request, Admin, _db, _time, CancellationToken.None);
        Assert.Equal("urn:procedures:problem:invalid-encoding", Assert.IsType<ProblemHttpResult>(badBytes.Result).ProblemDetails.Type);

        http = new DefaultHttpContext();
        http.Request.ContentType = "text/csv";
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(SeedRows("1.000656")));
        var ok = await CatalogueApi.ImportAsync(http.Request, Admin, _db, _time, CancellationToken.None);
        Assert.Equal(["1.000656"], Assert.IsType<Ok<ImportReport>>(ok.Result).Value!.Unchanged);
    }
}
