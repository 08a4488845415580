using Microsoft.Extensions.Hosting;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Inbox;
using Procedures.Processing.Calendar;
using Procedures.Processing.Dossiers;
using Procedures.Processing.Ratings;
using Procedures.ServiceDefaults.Security;
using Procedures.TestInfrastructure;
using Procedures.TestInfrastructure.Contract;

namespace Procedures.Services.Tests.Desk;

/// <summary>
/// Processing's desk, lifecycle and clock endpoints on a real Kestrel and a real migrated Processing database, with the
/// time under the test's control. Dossiers arrive through the real RecordSubmission consumer (MassTransit's test
/// harness stands in for the transport only); a header scheme stands in for the identity provider's tokens.
/// </summary>
internal sealed class ProcessingHost : IAsyncDisposable
{
    public const string Desk = "26740.H29";
    public const string OtherDesk = "26737.H29";
    public const string DeskName = "Phường Sài Gòn";

    /// <summary>Two fees of a procedure, as a receipt lists them.</summary>
    public static readonly DossierFee[] TwoFees =
        [new("LP01", "Lệ phí cấp bản sao trích lục", 8000), new("LP02", "Phí gửi kết quả", 22000)];

    private ProcessingHost(WebApplication app, NpgsqlDataSource db, TestClock time, HttpClient http, ITestHarness harness)
        => (App, Db, Time, Http, Harness) = (app, db, time, http, harness);

    public WebApplication App { get; }
    public NpgsqlDataSource Db { get; }
    public TestClock Time { get; }
    public HttpClient Http { get; }
    public ITestHarness Harness { get; }
    public ClockScan Scan => App.Services.GetRequiredService<ClockScan>();
    public Processing.Feedback.FeedbackScan FeedbackScan => App.Services.GetRequiredService<Processing.Feedback.FeedbackScan>();
    public const string RatingLinkKey = "test-rating-link-key-0123456789abcdefghij";

    public static async Task<ProcessingHost> StartAsync(InfrastructureFixture infra, DateTimeOffset now, int lookupsPerMinute = 1000)
    {
        var db = await ServiceDatabase.CreateAsync(infra, "desk", typeof(RecordSubmission).Assembly);
        var time = new TestClock(now);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("DESK_LOGS") is not null) builder.Logging.AddConsole();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hardening:PublicLookupsPerMinutePerAddress"] = lookupsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Feedback:Rating:SigningKey"] = RatingLinkKey,
        });
        builder.AddHardening();
        builder.Services.AddProceduresProblems();
        builder.Services.AddSingleton(db);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<CalendarProvider>();
        builder.Services.AddSingleton<FeePayments>();
        builder.Services.Configure<ClockSettings>(_ => { });
        builder.Services.AddSingleton<ClockScan>();
        Processing.Feedback.FeedbackSetup.AddFeedback(builder.Services, builder.Configuration);
        builder.Services.Configure<MessagingOptions>(o => o.ImmediateRetries = 0);
        builder.Services.AddSingleton<ConsumerServices>();
        builder.Services.AddMassTransitTestHarness(x =>
        {
            x.AddConsumer<RecordSubmission>();
            x.AddConsumer<PaymentConfirmation>();
            x.AddConsumer<DeskPaymentConfirmation>();
        });
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped(sp => Caller.From(sp.GetRequiredService<IHttpContextAccessor>().HttpContext!.User,
            new HashSet<string>(StringComparer.Ordinal) { "000.00.00.H29" }));
        builder.Services.AddAuthentication(HeaderScheme.Name).AddScheme<AuthenticationSchemeOptions, HeaderScheme>(HeaderScheme.Name, null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        var app = builder.Build();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapDossiers();
        app.MapDossierRating();
        Processing.Feedback.FeedbackSetup.MapFeedback(app);
        await app.StartAsync();
        var harness = app.Services.GetRequiredService<ITestHarness>();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        // Answers are checked against Processing's committed OpenAPI document (ContractCheckingHandler).
        return new ProcessingHost(app, db, time, ContractCheckingHandler.Client(ResourceNames.Processing, new Uri(address)), harness);
    }

    /// <summary>Submits through the real consumer and waits until the dossier is recorded.</summary>
    public async Task<string> SubmitAsync(SubmissionChannel channel = SubmissionChannel.Online, string idNumber = "079203001234",
        string applicant = "Võ Thị Em", ProcessingTerm? term = null, string decidingAgency = Desk, long feeVnd = 0,
        IReadOnlyList<DossierFee>? fees = null)
    {
        var code = $"{Desk}-{Time.Now.ToVietnam():yyMMdd}-{Interlocked.Increment(ref _next):D4}";
        await Harness.Bus.Publish(new DossierSubmitted(code, "1.003677", Desk, channel, applicant, Time.Now,
            new ApplicantIdentity(1, idNumber, null, null, false), 1, decidingAgency, "Đăng ký khai sinh",
            [new SubmittedDocument("TK01", Guid.NewGuid(), "to-khai.pdf", true, false, false, null, "Tờ khai đăng ký khai sinh")],
            fees ?? (feeVnd > 0 ? [new DossierFee("LP01", "Lệ phí", feeVnd)] : []),
            term ?? new ProcessingTerm(3, "working-days"), "Đăng ký khai sinh", DeskName));
        await Eventually.Until(async () => await ScalarAsync<long>("SELECT count(*) FROM dossiers WHERE code = @code", new { code }) == 1,
            TimeSpan.FromSeconds(20), "the submission to be recorded");
        return code;
    }

    private static int _next;

    public HttpRequestMessage As(HttpRequestMessage request, string scopes = "reception processing payments", string agency = Desk)
    {
        request.Headers.Add(HeaderScheme.ScopesHeader, scopes);
        request.Headers.Add(HeaderScheme.AgencyHeader, agency);
        return request;
    }

    public async Task<HttpResponseMessage> ActAsync(string code, string action, object? body = null, string agency = Desk)
        => await Http.SendAsync(As(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(body ?? new { officer = "Nguyễn Thị Hoa", role = "Chuyên viên", department = "Một cửa", content = action }),
        }, agency: agency));

    public async Task<JsonElement> ActOkAsync(string code, string action, object? body = null)
    {
        using var response = await ActAsync(code, action, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await Db.OpenConnectionAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    /// <summary>Outbox rows of type <typeparamref name="T"/> for one dossier, in the order they were written.</summary>
    public async Task<List<T>> PublishedAsync<T>(Func<T, bool> filter)
    {
        await using var c = await Db.OpenConnectionAsync();
        var bodies = await c.QueryAsync<string>("SELECT body::text FROM messaging.outbox WHERE message_type = @type ORDER BY id",
            new { type = MessageJson.TypeName(typeof(T)) });
        return [.. bodies.Select(b => JsonSerializer.Deserialize<T>(b, MessageJson.Options)!).Where(filter)];
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Harness.Stop();
        await App.StopAsync();
        await App.DisposeAsync();
        await Db.DisposeAsync();
    }

    private sealed class HeaderScheme(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "test-header";
        public const string ScopesHeader = "X-Test-Scopes";
        public const string AgencyHeader = "X-Test-Agency";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(ScopesHeader, out var scopes)) return Task.FromResult(AuthenticateResult.NoResult());
            var identity = new ClaimsIdentity(
            [
                new Claim(Caller.ClientIdClaim, "desk-test"), new Claim(Caller.AgencyClaim, Request.Headers[AgencyHeader].ToString()),
                new Claim(Caller.ScopeClaim, scopes.ToString()),
            ], Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
    }
}

