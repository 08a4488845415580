using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Intake.Catalogue;
using Procedures.Messaging.Audit;
using Procedures.TestInfrastructure;
using static Procedures.Services.Tests.Catalogue.CatalogueTesting;

namespace Procedures.Services.Tests.Catalogue;

/// <summary>Create and change through the admin handlers: versions, events in the outbox, audit, all in one transaction.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CatalogueVersioningTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private readonly TestClock _time = new(Now);

    public async Task InitializeAsync() => _db = await CreateSeededAsync(infra);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static ProcedureInput Complete(string? code = "1.999001.H29") => new(
        Code: code,
        Name: "Thủ tục thử nghiệm cấp giấy xác nhận",
        Field: "Hộ tịch",
        Level: "commune",
        DecidingAgency: DecidingAgencies.CommunePeopleCommittee,
        Documents: [new(Name: "Tờ khai theo mẫu", Required: true), new(Name: "Văn bản ủy quyền (trường hợp ủy quyền)", Required: false, ReusableFromPreviousResult: true)],
        Fees: [new(Name: "Lệ phí", AmountVnd: 8000, PayableWhen: "on-submission")],
        ProcessingTime: new(3, "working-days"),
        OnlineProcessingTime: new(2, "working-days"),
        OnlineLevel: "full",
        ResultText: "Giấy xác nhận điện tử",
        BoundaryFree: true,
        EffectiveFrom: "2026-04-01",
        PublishedOn: "2026-03-20",
        Source: "test");

    private async Task<ProcedureView> CreateAsync(ProcedureInput input)
    {
        var result = await CatalogueApi.CreateAsync(input, Admin, new DefaultHttpContext(), _db, _time, CancellationToken.None);
        return Assert.IsType<Created<ProcedureView>>(result.Result).Value!;
    }

    private async Task<IResult> ChangeAsync(string code, ProcedureInput input)
        => (await CatalogueApi.ChangeAsync(code, input, Admin, new DefaultHttpContext(), _db, _time, CancellationToken.None)).Result;

    internal static ProcedureInput AsInput(ProcedureVersion v) => new(
        Name: v.Content.Name, Field: v.Content.Field, Level: v.Content.Level is { } l ? CatalogueStoreNames.Of(l) : null,
        DecidingAgency: v.Content.DecidingAgency,
        Documents: v.Content.Documents.Select(d => new DocumentInput(d.Code, d.Name, d.Required, d.ReusableFromPreviousResult, d.AvailableFromCitizenStore,
            d.Kind.ToString().ToLowerInvariant(), d.Case?.Vi, d.Case?.En, d.Alternatives)).ToList(),
        Fees: v.Content.Fees?.Select(f => new FeeInput(f.Code, f.Name, f.AmountVnd, f.PayableWhen is { } w ? CatalogueStoreNames.Of(w) : null,
            f.Channels?.Select(c => CatalogueStoreNames.Of(c)).ToList())).ToList(),
        ProcessingTime: v.Content.ProcessingTime is { } t ? new(t.Amount, CatalogueStoreNames.Of(t.Unit)) : null,
        OnlineProcessingTime: v.Content.OnlineProcessingTime is { } o ? new(o.Amount, CatalogueStoreNames.Of(o.Unit)) : null,
        OnlineLevel: CatalogueStoreNames.Of(v.Content.OnlineLevel), ResultText: v.Content.ResultText, ResultForm: CatalogueStoreNames.Of(v.Content.ResultForm),
        BoundaryFree: v.Content.BoundaryFree, EffectiveFrom: v.Content.EffectiveFrom?.ToString("yyyy-MM-dd"),
        PublishedOn: v.Content.PublishedOn?.ToString("yyyy-MM-dd"), Source: v.Content.Source, Notes: v.Content.Notes,
        PaperResult: CatalogueStoreNames.Of(PaperResults.Of(v.Content.PaperResult)), OnlineLevelSince: v.Content.OnlineLevelSince?.ToString("yyyy-MM-dd"));

    [Fact]
    public async Task Create_publishes_version_1_with_the_event_and_an_audit_entry()
    {
        var created = await CreateAsync(Complete());

        Assert.Equal(("1.999001.H29", 1, ProcedureStatus.Published, true), (created.Code, created.Version, created.Status, created.OpenForSubmission));
        Assert.Equal(["TP01", "TP02"], created.Documents.Select(d => d.Code));
        Assert.Equal("PL01", Assert.Single(created.Fees!).Code);
        Assert.Equal(ResultForm.Electronic, created.ResultForm); // derived from "… điện tử" when not given
        Assert.True(created.PublishedOnTime);
        var evt = Assert.Single(await OutboxAsync(_db, typeof(ProcedurePublished)), e => e.GetProperty("procedureCode").GetString() == "1.999001.H29");
        Assert.Equal("full", evt.GetProperty("onlineLevel").GetString());
        Assert.True(evt.GetProperty("feeBearing").GetBoolean());
        Assert.True(evt.GetProperty("publishedOnTime").GetBoolean());
        Assert.Equal("2026-03-20", evt.GetProperty("publishedOn").GetString());
        var audit = Assert.Single(await AuditLog.QueryAsync(_db, new AuditQuery(Resource: "1.999001.H29"), CancellationToken.None));
        Assert.Equal(("procedure.publish", "catalogue-admin", false), (audit.Action, audit.ClientId, audit.PersonalData));
    }

    [Fact]
    public async Task Creating_an_existing_code_is_a_conflict_and_writes_nothing()
    {
        var outboxBefore = await CountAsync(_db, "SELECT count(*) FROM messaging.outbox");

        var result = await CatalogueApi.CreateAsync(Complete("1.001193"), Admin, new DefaultHttpContext(), _db, _time, CancellationToken.None);

        var problem = Assert.IsType<ProblemHttpResult>(result.Result);
        Assert.Equal((409, "urn:procedures:problem:procedure-exists"), (problem.StatusCode, problem.ProblemDetails.Type));
        Assert.Equal(outboxBefore, await CountAsync(_db, "SELECT count(*) FROM messaging.outbox"));
        Assert.Equal(1, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE code = '1.001193'"));
    }

    [Fact]
    public async Task A_change_creates_version_2_while_version_1_stays_retrievable_unchanged()
    {
        var v1 = (await CatalogueStore.GetVersionAsync(_db, "1.004222", 1, CancellationToken.None))!;
        _time.Now = Now.AddDays(1);

        var result = await ChangeAsync("1.004222", AsInput(v1) with
        {
            ProcessingTime = new(5, "working-days"), EffectiveFrom = "2026-04-01", PublishedOn = "2026-04-05", BaseVersion = 1,
        });

        var v2 = Assert.IsType<Ok<ProcedureView>>(result).Value!;
        Assert.Equal((2, 5), (v2.Version, v2.ProcessingTime!.Amount));
        Assert.False(v2.PublishedOnTime); // published after it took effect
        var again = (await CatalogueStore.GetVersionAsync(_db, "1.004222", 1, CancellationToken.None))!;
        Assert.Equal(v1.CreatedAt, again.CreatedAt);
        Assert.True(CatalogueStore.SameContent(v1.Content, again.Content));
        Assert.Equal(new ProcessingTime(7, ProcessingUnit.WorkingDays), again.Content.ProcessingTime);
        Assert.Equal(2, (await CatalogueStore.GetCurrentAsync(_db, "1.004222", CancellationToken.None))!.Version);

        var detail = Assert.IsType<Ok<ProcedureDetail>>((await CatalogueApi.GetAsync("1.004222", _db, CancellationToken.None)).Result).Value!;
        Assert.Equal([1, 2], detail.Versions.Select(v => v.Version));
        var byHandler = Assert.IsType<Ok<ProcedureView>>((await CatalogueApi.GetVersionAsync("1.004222", 1, _db, CancellationToken.None)).Result).Value!;
        Assert.Equal(7, byHandler.ProcessingTime!.Amount);

        var changed = Assert.Single(await OutboxAsync(_db, typeof(ProcedureChanged)));
        Assert.Equal(("1.004222", 2, false), (changed.GetProperty("procedureCode").GetString(), changed.GetProperty("version").GetInt32(),
            changed.GetProperty("publishedOnTime").GetBoolean()));
        Assert.Single(await AuditLog.QueryAsync(_db, new AuditQuery(Resource: "1.004222", Action: "procedure.change"), CancellationToken.None));
    }

    [Fact]
    public async Task Stored_versions_cannot_be_updated_or_deleted()
    {
        await using var c = await _db.OpenConnectionAsync();
        var update = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("UPDATE procedure_versions SET name = 'x' WHERE code = '1.001193'", c).ExecuteNonQueryAsync());
        Assert.Contains("immutable", update.MessageText);
        await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("DELETE FROM procedure_versions WHERE code = '1.001193'", c).ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_change_that_changes_nothing_creates_no_version_and_no_event()
    {
        var v1 = (await CatalogueStore.GetCurrentAsync(_db, "1.000894", CancellationToken.None))!;

        var result = await ChangeAsync("1.000894", AsInput(v1));

        Assert.Equal(1, Assert.IsType<Ok<ProcedureView>>(result).Value!.Version);
        Assert.Empty(await OutboxAsync(_db, typeof(ProcedureChanged)));
    }

    [Fact]
    public async Task Completing_a_draft_opens_it_for_submission()
    {
        var draft = (await CatalogueStore.GetCurrentAsync(_db, "2.001610", CancellationToken.None))!;
        Assert.False(draft.IsOpenForSubmission);

        var result = await ChangeAsync("2.001610", AsInput(draft) with { DecidingAgency = "000.SO.12.H29" });

        var view = Assert.IsType<Ok<ProcedureView>>(result).Value!;
        Assert.Equal((2, ProcedureStatus.Published, true), (view.Version, view.Status, view.OpenForSubmission));
    }

    [Fact]
    public async Task A_change_from_a_stale_base_version_is_a_conflict()
    {
        var v1 = (await CatalogueStore.GetCurrentAsync(_db, "1.004194", CancellationToken.None))!;
        Assert.IsType<Ok<ProcedureView>>(await ChangeAsync("1.004194", AsInput(v1) with { Notes = "first edit", BaseVersion = 1 }));

        var result = await ChangeAsync("1.004194", AsInput(v1) with { Notes = "second edit from the old copy", BaseVersion = 1 });

        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal((409, "urn:procedures:problem:stale-base-version"), (problem.StatusCode, problem.ProblemDetails.Type));
        Assert.Equal("first edit", (await CatalogueStore.GetCurrentAsync(_db, "1.004194", CancellationToken.None))!.Content.Notes);
    }

    [Fact]
    public async Task Changing_an_unknown_code_is_not_found()
    {
        Assert.IsType<NotFound>(await ChangeAsync("1.999999", Complete(null)));
        Assert.IsType<NotFound>(await ChangeAsync("not-a-code", Complete(null)));
    }

    [Fact]
    public async Task Version_event_and_audit_entry_commit_or_roll_back_together()
    {
        var current = (await CatalogueStore.GetCurrentAsync(_db, "1.010038", CancellationToken.None))!;
        var actor = new AuditActor("catalogue-admin", "000.00.00.H29", null, null);
        var changed = current.Content with { Notes = "rolled back" };

        await using (var connection = await _db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var result = await CatalogueStore.ChangeAsync(tx, "1.010038", changed, null, actor, "test", Now, CancellationToken.None);
            Assert.Equal(WriteOutcome.Changed, result.Outcome);
            await using var inside = new NpgsqlCommand(
                "SELECT count(*) FROM messaging.outbox WHERE body->>'procedureCode' = '1.010038' AND message_type LIKE 'Procedures.Contracts.ProcedureChanged,%'",
                connection, tx);
            Assert.Equal(1L, await inside.ExecuteScalarAsync()); // written inside the transaction…
            await tx.RollbackAsync();
        }

        // …and gone with it, together with the version and the audit entry.
        Assert.Empty(await OutboxAsync(_db, typeof(ProcedureChanged)));
        Assert.Equal(1, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE code = '1.010038'"));
        Assert.Equal(1, (await CatalogueStore.GetCurrentAsync(_db, "1.010038", CancellationToken.None))!.Version);
        Assert.Empty(await AuditLog.QueryAsync(_db, new AuditQuery(Resource: "1.010038", Action: "procedure.change"), CancellationToken.None));

        await using (var connection = await _db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await CatalogueStore.ChangeAsync(tx, "1.010038", changed with { Notes = "committed" }, null, actor, "test", Now, CancellationToken.None);
            await tx.CommitAsync();
        }
        Assert.Single(await OutboxAsync(_db, typeof(ProcedureChanged)));
        Assert.Single(await AuditLog.QueryAsync(_db, new AuditQuery(Resource: "1.010038", Action: "procedure.change"), CancellationToken.None));
        Assert.True((await AuditChain.VerifyAsync(_db, CancellationToken.None)).Intact);
    }
}

/// <summary>The JSON/stored names of the catalogue's enums, for building inputs from stored versions.</summary>
internal static class CatalogueStoreNames
{
    public static string Of<T>(T value) where T : struct, Enum
        => System.Text.Json.JsonSerializer.Serialize(value).Trim('"');
}
