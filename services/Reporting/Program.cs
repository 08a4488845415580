using Procedures.Contracts;
using Procedures.ServiceDefaults.Audit;
using Procedures.Reporting.Kpi;
using Procedures.Reporting.Kpi.Api;
using Procedures.Reporting.Kpi.Rules;
using Procedures.Reporting.Scoreboard;
using Procedures.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceMessaging(ResourceNames.Reporting, typeof(Program).Assembly,
    Projection.AddConsumers);
builder.Services.Configure<KpiOptions>(builder.Configuration.GetSection("Kpi"));
builder.Services.AddSingleton<KpiRules>();
builder.Services.AddSingleton<KpiMetrics>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<KpiMetrics>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.MapKpi();
app.MapScoreboardPage();
app.Run();

public partial class Program;
