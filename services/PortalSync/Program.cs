using Procedures.Contracts;
using Procedures.ServiceDefaults.Audit;
using Procedures.ServiceDefaults.Security;
using Procedures.PortalSync.CatchUp;
using Procedures.PortalSync.Ledger;
using Procedures.PortalSync.Portal;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceMessaging(ResourceNames.PortalSync, typeof(Program).Assembly,
    bus =>
    {
        bus.AddConsumer<ProjectDossier>();
        bus.AddConsumer<RecordStatusEvent>();
        bus.AddConsumer<CompareHeads>();
        bus.AddConsumer<CompareSubmissions>();
    });
builder.Services.Configure<SyncOptions>(builder.Configuration.GetSection("PortalSync"));
builder.Services.Configure<ReconciliationOptions>(builder.Configuration.GetSection("PortalSync:Reconciliation"));
builder.Services.Configure<CitizenStoreReconciliationOptions>(builder.Configuration.GetSection("PortalSync:CitizenStoreReconciliation"));
builder.Services.AddHttpClient<PortalClient>(http =>
    http.BaseAddress = new Uri(builder.Configuration["Portal:BaseAddress"] ?? $"http://{ResourceNames.Sandbox}"));
builder.Services.AddHostedService<SyncWorker>();
builder.Services.AddHostedService<CitizenStoreWorker>();
builder.Services.AddHostedService<CitizenStoreReconciliation>();
builder.Services.AddHostedService<SubmissionCatchUp>();
builder.Services.AddSingleton<Reconciliation>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<Reconciliation>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.MapSync();
app.Run();

public partial class Program;
