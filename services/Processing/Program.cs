using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;
using Procedures.Processing.Calendar;
using Procedures.Processing.Dossiers;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProceduresMessaging(ResourceNames.Processing, ResourceNames.Database(ResourceNames.Processing), typeof(Program).Assembly,
    bus => bus.AddConsumer<RecordSubmission>());
builder.Services.AddSingleton<CalendarProvider>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.MapCalendar();
app.MapActions();
app.Run();

public partial class Program;
