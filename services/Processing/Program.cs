using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;
using Procedures.Processing.Calendar;
using Procedures.Processing.Dossiers;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProceduresMessaging(ResourceNames.Processing, ResourceNames.Database(ResourceNames.Processing), typeof(Program).Assembly,
    bus =>
    {
        bus.AddConsumer<RecordSubmission>();
        bus.AddConsumer<PaymentConfirmation>();
    });
builder.Services.AddSingleton<CalendarProvider>();
builder.Services.Configure<ClockSettings>(builder.Configuration.GetSection(ClockSettings.Section));
builder.Services.AddSingleton<ClockScan>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ClockScan>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.MapCalendar();
app.MapActions();
app.MapApology();
app.MapReceipt();
app.MapPublicLookup();
app.Run();

public partial class Program;
