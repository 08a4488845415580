using Microsoft.Extensions.Hosting;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Procedures.Messaging;
using Procedures.Payment.Api;
using Procedures.Payment.Ledger;
using Procedures.Payment.Platform;
using Procedures.Payment.Work;
using Procedures.Sandbox.Payment;
using Procedures.Contracts;
using Procedures.TestInfrastructure;
using Procedures.TestInfrastructure.Contract;

namespace Procedures.Services.Tests.Payment;

/// <summary>
/// Payment's callback endpoint, platform client (with its real Polly pipeline) and worker on a real Kestrel and a real
/// migrated Postgres database, talking over HTTP both ways to the sandbox's payment platform on another Kestrel.
/// </summary>
public sealed class PaymentHarness : IAsyncDisposable
{
    public const string Partner = "HCM-H29-TEST";
    public const string Secret = "test-partner-secret";

    private readonly WebApplication _payment;
    private readonly WebApplication _platform;
    private readonly ActivityListener _listener;
    private readonly List<Activity> _activities = [];

    public NpgsqlDataSource Db { get; }
    public HttpClient Platform { get; }
    public HttpClient Payment { get; }
    public PaymentWorker Worker { get; }
    public PlatformClient Client => _payment.Services.GetRequiredService<PlatformClient>();

    private PaymentHarness(NpgsqlDataSource db, WebApplication payment, WebApplication platform, ActivityListener listener, List<Activity> activities)
    {
        Db = db;
        _payment = payment;
        _platform = platform;
        _listener = listener;
        _activities = activities;
        // Answers are checked against the committed OpenAPI documents: Payment's, and the sandbox's for its payment platform.
        Payment = ContractCheckingHandler.Client(ResourceNames.Payment, new Uri(payment.Urls.First()));
        Platform = ContractCheckingHandler.Client(ResourceNames.Sandbox, new Uri(platform.Urls.First()));
        Worker = ActivatorUtilities.CreateInstance<PaymentWorker>(payment.Services);
    }

    public static async Task<PaymentHarness> StartAsync(InfrastructureFixture infra, IDictionary<string, string?>? settings = null)
    {
        var db = await ServiceDatabase.CreateAsync(infra, "payment", typeof(PaymentWorker).Assembly);
        var paymentUrl = $"http://127.0.0.1:{FreePort.Next()}";

        var platformBuilder = WebApplication.CreateBuilder();
        platformBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        platformBuilder.Logging.ClearProviders();
        platformBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PaymentPlatform:PartnerCode"] = Partner, ["PaymentPlatform:Secret"] = Secret,
            ["PaymentPlatform:CallbackUrl"] = paymentUrl + Callback.Path,
        });
        platformBuilder.AddPaymentPlatform();
        var platform = platformBuilder.Build();
        platform.MapPaymentPlatform();
        await platform.StartAsync();

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls(paymentUrl);
        builder.Logging.ClearProviders();
        var config = new Dictionary<string, string?>
        {
            ["PaymentPlatform:BaseAddress"] = platform.Urls.First(), ["PaymentPlatform:PartnerCode"] = Partner, ["PaymentPlatform:Secret"] = Secret,
            ["PaymentPlatform:RetryBaseDelay"] = "00:00:00.010", ["PaymentPlatform:AttemptTimeout"] = "00:00:02",
            ["Payment:ReconcileAfter"] = "00:01:00", ["Payment:ReconcileEvery"] = "00:01:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton(db);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<Procedures.Payment.PaymentOptions>(builder.Configuration.GetSection(Procedures.Payment.PaymentOptions.Section));
        builder.Services.AddPaymentPlatformClient(builder.Configuration);
        builder.Services.AddProceduresProblems();
        var payment = builder.Build();
        payment.MapGroup(PaymentRoutes.Prefix).MapCallback(); // the callback alone, where the service maps it (the other routes need a caller)
        await payment.StartAsync();

        var activities = new List<Activity>();
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PlatformClient.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) activities.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        return new PaymentHarness(db, payment, platform, listener, activities);
    }

    /// <summary>Platform spans of one payment (or all), finished so far.</summary>
    public IReadOnlyList<Activity> Spans(string? reference = null)
    {
        lock (_activities)
            return _activities.Where(a => reference is null || (string?)a.GetTagItem("payment.reference") == reference).ToList();
    }

    public Task SetFaultsAsync(PaymentFaults faults) => Platform.PutAsJsonAsync("/sandbox/faults/payment", faults);

    /// <summary>A dossier with fees, stored by RecordFees, and its payment request in state new.</summary>
    public async Task<string> RequestAsync(string dossierCode, long amount = 20000)
    {
        await using var c = await Db.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        await RecordFees.StoreAsync(tx, new DossierSubmitted(dossierCode, "1.004222", "26740.H29", SubmissionChannel.Online, "Nguyễn Văn A",
            DateTimeOffset.UtcNow, DecidingAgency: "26740.H29", Fees: [new DossierFee("LP01", "Lệ phí", amount)]), CancellationToken.None);
        var reference = await PaymentLedger.CreateAsync(tx, dossierCode, amount, "status-6", DateTimeOffset.UtcNow, CancellationToken.None);
        await tx.CommitAsync();
        return reference!;
    }

    /// <summary>
    /// Lets time pass beyond Payment:ReconcileAfter for pending payments (unless <paramref name="reconcile"/> is false), then
    /// runs the worker until nothing is due.
    /// </summary>
    public async Task DrainAsync(bool reconcile = true)
    {
        if (reconcile)
        {
            await using var c = await Db.OpenConnectionAsync();
            await c.ExecuteAsync("UPDATE payments SET next_attempt_at = now() WHERE state = 'pending'");
        }
        while (await Worker.NextAsync(CancellationToken.None)) { }
    }

    /// <summary>Makes every payment due now (a backoff has passed).</summary>
    public async Task MakeDueAsync()
    {
        await using var c = await Db.OpenConnectionAsync();
        await c.ExecuteAsync("UPDATE payments SET next_attempt_at = now()");
    }

    public sealed record PaymentRow(string State, string? PaymentUrl, string? TransactionId, string? Receipt, string? LastError, int Attempts,
        string? FailureReason);

    public async Task<PaymentRow> PaymentAsync(string reference)
    {
        await using var c = await Db.OpenConnectionAsync();
        return await c.QuerySingleAsync<PaymentRow>("""
            SELECT state, payment_url AS PaymentUrl, transaction_id AS TransactionId, receipt::text AS Receipt, last_error AS LastError, attempts,
                   failure_reason AS FailureReason
            FROM payments WHERE reference = @reference
            """, new { reference });
    }

    /// <summary>The outbox's events of one type, deserialised.</summary>
    public async Task<List<T>> EventsAsync<T>()
    {
        await using var c = await Db.OpenConnectionAsync();
        var bodies = await c.QueryAsync<string>("SELECT body::text FROM messaging.outbox WHERE message_type = @type ORDER BY id",
            new { type = MessageJson.TypeName(typeof(T)) });
        return bodies.Select(b => JsonSerializer.Deserialize<T>(b, MessageJson.Options)!).ToList();
    }

    public async Task<List<string>> CallbackOutcomesAsync(string? reference)
    {
        await using var c = await Db.OpenConnectionAsync();
        return (await c.QueryAsync<string>("SELECT outcome FROM payment_callbacks WHERE reference IS NOT DISTINCT FROM @reference ORDER BY id",
            new { reference })).AsList();
    }

    /// <summary>The citizen's choice on the hosted page (pay, fail, abandon).</summary>
    public async Task<HttpResponseMessage> ChooseAsync(string paymentUrl, string outcome)
        => await Platform.PostAsync(new Uri(paymentUrl).PathAndQuery, new FormUrlEncodedContent([new("outcome", outcome)]));

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        Payment.Dispose();
        Platform.Dispose();
        await _payment.StopAsync();
        await _platform.StopAsync();
        await _payment.DisposeAsync();
        await _platform.DisposeAsync();
        await Db.DisposeAsync();
    }
}
