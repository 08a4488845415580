using Procedures.Contracts;
using Procedures.Messaging;
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
app.MapSummary();
app.Run();

public partial class Program;
