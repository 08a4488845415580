using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;
using Procedures.Reporting.Kpi;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProceduresMessaging(ResourceNames.Reporting, ResourceNames.Database(ResourceNames.Reporting), typeof(Program).Assembly,
    bus =>
    {
        bus.AddConsumer<ProjectSubmission>();
        bus.AddConsumer<ProjectSync>();
    });

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.MapSummary();
app.Run();

public partial class Program;
