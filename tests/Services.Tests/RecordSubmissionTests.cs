using System.Text.Json;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Inbox;
using Procedures.Processing.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

/// <summary>
/// Processing's RecordSubmission on a real migrated Processing database, driven through MassTransit's in-memory
/// test harness (no broker needed: what is under test is the consumer's effect, inbox and outbox rows).
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RecordSubmissionTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset SubmittedAt = new(2025, 11, 28, 17, 30, 15, TimeSpan.Zero);
    private readonly DeliveryCounter _deliveries = new();
    private ConsumerHarness _host = null!;

    private NpgsqlDataSource Db => _host.Db;
    private ITestHarness Harness => _host.Harness;

    public async Task InitializeAsync()
    {
        _host = await ConsumerHarness.StartAsync(infra, "processing", typeof(RecordSubmission).Assembly, x => x.AddConsumer<RecordSubmission>(),
            s => s.AddSingleton<Procedures.Processing.Calendar.CalendarProvider>());
        Harness.Bus.ConnectConsumeObserver(_deliveries);
    }

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private static DossierSubmitted Submission(string code) => new(code, "1.000948.H29", "38.98.H29", SubmissionChannel.Online, "Võ Thị Em", SubmittedAt);

    private Task PublishAsync(DossierSubmitted message, Guid messageId)
        => Harness.Bus.Publish(message, context => context.MessageId = messageId);

    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var c = await Db.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>(sql, args);
    }

    private Task ConsumedAsync(int messages)
        => Eventually.Until(async () => await CountAsync("SELECT count(*) FROM messaging.inbox WHERE consumer = 'RecordSubmission'") >= messages,
            TimeSpan.FromSeconds(20), $"{messages} message(s) to be recorded in the inbox");

    private async Task<List<DossierStatusChanged>> AnnouncedAsync()
    {
        await using var c = await Db.OpenConnectionAsync();
        var rows = await c.QueryAsync<(string Type, string Body)>("SELECT message_type, body::text FROM messaging.outbox ORDER BY id");
        return rows.Select(r =>
        {
            Assert.Equal(MessageJson.TypeName(typeof(DossierStatusChanged)), r.Type);
            return JsonSerializer.Deserialize<DossierStatusChanged>(r.Body, MessageJson.Options)!;
        }).ToList();
    }

    [Fact]
    public async Task Submission_is_recorded_as_status_1_with_sequence_1_and_announced_as_the_first_status_event()
    {
        const string code = "38.98.H29-251129-0001";

        await PublishAsync(Submission(code), Guid.NewGuid());
        await ConsumedAsync(1);

        await using var c = await Db.OpenConnectionAsync();
        var dossier = await c.QuerySingleAsync<(string Procedure, string Unit, short Channel, short Status, long Sequence, DateTimeOffset SubmittedAt)>(
            "SELECT procedure_code, receiving_unit, channel, status, sequence, submitted_at FROM dossiers WHERE code = @code", new { code });
        Assert.Equal(("1.000948.H29", "38.98.H29", (short)2, (short)1, 1L), (dossier.Procedure, dossier.Unit, dossier.Channel, dossier.Status, dossier.Sequence));
        Assert.Equal(SubmittedAt, dossier.SubmittedAt);
        var history = await c.QuerySingleAsync<(long Sequence, short Status, DateTimeOffset OccurredAt, string? Content)>(
            "SELECT sequence, status, occurred_at, content FROM dossier_history WHERE dossier_code = @code", new { code });
        Assert.Equal((1L, (short)1, SubmittedAt), (history.Sequence, history.Status, history.OccurredAt));

        var announced = Assert.Single(await AnnouncedAsync());
        // Without a deciding agency in the submission, the receiving unit decides; both route the event per agency.
        Assert.Equal(new DossierStatusChanged(code, 1, DossierStatus.Submitted, SubmittedAt, history.Content,
            ReceivingUnit: "38.98.H29", DecidingAgency: "38.98.H29", ProcedureCode: "1.000948.H29"), announced);
    }

    [Fact]
    public async Task Redelivered_submission_with_the_same_message_id_takes_effect_once()
    {
        const string code = "38.98.H29-251129-0002";
        var messageId = Guid.NewGuid();

        await PublishAsync(Submission(code), messageId);
        await PublishAsync(Submission(code), messageId);
        // The harness's own lists key messages by id, so count finished deliveries with an observer instead.
        await Eventually.Until(() => Task.FromResult(_deliveries.Finished(messageId) >= 2),
            TimeSpan.FromSeconds(20), "both deliveries to be consumed");

        Assert.Equal(1, await CountAsync("SELECT count(*) FROM messaging.inbox"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dossier_history WHERE dossier_code = @code", new { code }));
        Assert.Single(await AnnouncedAsync());
    }

    [Fact]
    public async Task Same_dossier_under_a_new_message_id_is_not_announced_again()
    {
        const string code = "38.98.H29-251129-0003";

        await PublishAsync(Submission(code), Guid.NewGuid());
        await PublishAsync(Submission(code) with { ApplicantName = "Someone else" }, Guid.NewGuid());
        await ConsumedAsync(2);

        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dossiers WHERE code = @code", new { code }));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dossier_history WHERE dossier_code = @code", new { code }));
        var announced = Assert.Single(await AnnouncedAsync());
        Assert.Equal(1, announced.Sequence);
    }
}

/// <summary>Counts deliveries whose consumer finished (successfully or not), per message id.</summary>
internal sealed class DeliveryCounter : IConsumeObserver
{
    private readonly Dictionary<Guid, int> _finished = [];

    public int Finished(Guid messageId) { lock (_finished) return _finished.GetValueOrDefault(messageId); }

    private Task Count(ConsumeContext context)
    {
        lock (_finished) _finished[context.MessageId ?? Guid.Empty] = _finished.GetValueOrDefault(context.MessageId ?? Guid.Empty) + 1;
        return Task.CompletedTask;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;
    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Count(context);
    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Count(context);
}
