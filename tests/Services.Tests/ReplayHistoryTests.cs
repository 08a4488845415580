using System.Text.Json;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Inbox;
using Procedures.Processing.CatchUp;
using Procedures.Processing.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

/// <summary>
/// Processing answers DossierHistoryRequested (a consumer lost a status event) with the stored events, under their first
/// message ids, on a real migrated Processing database through MassTransit's test harness.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ReplayHistoryTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset SubmittedAt = new(2025, 11, 28, 17, 30, 15, TimeSpan.Zero);
    private ConsumerHarness _host = null!;

    private NpgsqlDataSource Db => _host.Db;
    private ITestHarness Harness => _host.Harness;

    public async Task InitializeAsync()
    {
        _host = await ConsumerHarness.StartAsync(infra, "processing", typeof(RecordSubmission).Assembly, x =>
        {
            x.AddConsumer<RecordSubmission>();
            x.AddConsumer<ReplayHistory>();
        }, s => s.AddSingleton<Procedures.Processing.Calendar.CalendarProvider>());
    }

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private async Task<List<(Guid MessageId, DossierStatusChanged Change)>> AnnouncedAsync(string code)
    {
        await using var c = await Db.OpenConnectionAsync();
        var rows = await c.QueryAsync<(Guid MessageId, string Body)>("""
            SELECT message_id, body::text FROM messaging.outbox WHERE message_type = @type AND body->>'dossierCode' = @code ORDER BY id
            """, new { type = MessageJson.TypeName(typeof(DossierStatusChanged)), code });
        return rows.Select(r => (r.MessageId, JsonSerializer.Deserialize<DossierStatusChanged>(r.Body, MessageJson.Options)!)).ToList();
    }

    private Task ConsumedAsync(string consumer, int messages)
        => Eventually.Until(async () =>
        {
            await using var c = await Db.OpenConnectionAsync();
            return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM messaging.inbox WHERE consumer = @consumer", new { consumer }) >= messages;
        }, TimeSpan.FromSeconds(20), $"{messages} {consumer} message(s) in the inbox");

    [Fact]
    public async Task Asked_steps_are_sent_again_as_first_sent_under_their_first_message_ids()
    {
        const string code = "38.98.H29-251129-0101";
        await Harness.Bus.Publish(DossierSeed.Submission(code, SubmittedAt, applicantName: "Võ Thị Em"));
        await ConsumedAsync(nameof(RecordSubmission), 1);
        // A step recorded before events were kept with the history (Sql/0006_history_events.sql added them): the acceptance
        // as Processing records it, with the kept event taken away again, the one shape of a row no product path writes any more.
        await DossierSeed.ActedAsync(Db, code, DossierAction.Accept, SubmittedAt.AddHours(1),
            new Step("Nguyễn Thị Hoa", "officer", "Bộ phận một cửa", "accept"));
        await using (var c = await Db.OpenConnectionAsync())
            await c.ExecuteAsync("UPDATE dossier_history SET event = NULL, event_id = NULL WHERE dossier_code = @code AND sequence = 2", new { code });
        var before = await AnnouncedAsync(code);
        Assert.Equal([1L, 2L], before.Select(a => a.Change.Sequence));
        var (first, acceptedId) = (before[0], before[1].MessageId);

        await Harness.Bus.Publish(new DossierHistoryRequested(code, 1, 5, ResourceNames.PortalSync, SubmittedAt.AddDays(1)));
        await ConsumedAsync(nameof(ReplayHistory), 1);

        var announced = await AnnouncedAsync(code);
        Assert.Equal(4, announced.Count);
        // Step 1 again, byte for byte the same event and the same id: every inbox that applied it skips it.
        Assert.Equal(first, announced[2]);
        // Step 2, rebuilt, under a new id.
        var (id, rebuilt) = announced[3];
        Assert.DoesNotContain(id, new[] { first.MessageId, acceptedId });
        Assert.Equal(new DossierStatusChanged(code, 2, DossierStatus.Received, SubmittedAt.AddHours(1), "accept", Actor: "Nguyễn Thị Hoa",
            Role: "officer", Department: "Bộ phận một cửa", ReceivingUnit: "38.98.H29", DecidingAgency: "38.98.H29",
            ProcedureCode: "1.000948.H29"), rebuilt);
    }

    [Fact]
    public async Task A_request_for_steps_that_do_not_exist_sends_nothing()
    {
        await Harness.Bus.Publish(new DossierHistoryRequested("38.98.H29-251129-0199", 1, 3, ResourceNames.PortalSync, SubmittedAt));
        await ConsumedAsync(nameof(ReplayHistory), 1);
        Assert.Empty(await AnnouncedAsync("38.98.H29-251129-0199"));
    }
}
