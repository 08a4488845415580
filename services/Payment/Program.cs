using Procedures.Contracts;
using Procedures.ServiceDefaults.Audit;
using Procedures.ServiceDefaults.Idempotency;
using Procedures.Payment;
using Procedures.Payment.Api;
using Procedures.Payment.CatchUp;
using Procedures.Payment.Ledger;
using Procedures.Payment.Platform;
using Procedures.Payment.Work;
using Procedures.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceMessaging(ResourceNames.Payment, typeof(Program).Assembly,
    bus =>
    {
        bus.AddConsumer<RecordFees>();
        bus.AddConsumer<FollowFeeBearingStatus>();
        bus.AddConsumer<CompareSubmittedWithFees>().Endpoint(e => e.Name = CompareSubmittedWithFees.QueueName);
    });
builder.Services.Configure<PaymentOptions>(builder.Configuration.GetSection(PaymentOptions.Section));
builder.Services.AddPaymentPlatformClient(builder.Configuration);
builder.Services.AddHostedService<PaymentWorker>();
builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter("Polly")); // resilience events as metrics beside the span events

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseIdempotencyKeys();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.MapPayments();
app.Run();

public partial class Program;
