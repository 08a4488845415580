using Procedures.Contracts;
using Procedures.ServiceDefaults.Audit;
using Procedures.ServiceDefaults.Security;
using Procedures.Messaging.CatchUp;
using Procedures.Processing.CatchUp;
using Procedures.Processing.Calendar;
using Procedures.Processing.Dossiers;
using Procedures.Processing.Feedback;
using Procedures.Processing.Ratings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceMessaging(ResourceNames.Processing, typeof(Program).Assembly,
    bus =>
    {
        bus.AddConsumer<RecordSubmission>();
        bus.AddConsumer<PaymentConfirmation>();
        bus.AddConsumer<DeskPaymentConfirmation>();
        bus.AddConsumer<ReplayHistory>();
        bus.AddConsumer<CompareSubmittedWithDossiers>().Endpoint(e => e.Name = CompareSubmittedWithDossiers.QueueName);
    });
builder.Services.AddSingleton<CalendarProvider>();
builder.Services.AddSingleton<FeePayments>();
builder.Services.Configure<ClockSettings>(builder.Configuration.GetSection(ClockSettings.Section));
builder.Services.AddSingleton<ClockScan>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ClockScan>());
builder.Services.AddDigest<HistoryDigest>(builder.Configuration, HistoryDigest.Section);
builder.Services.AddFeedback(builder.Configuration);
builder.Services.AddHostedService(sp => sp.GetRequiredService<FeedbackScan>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.MapCalendar();
app.MapDossiers();
app.MapDossierRating();
app.MapFeedback();
app.Run();

public partial class Program;
