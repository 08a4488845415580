using Procedures.Contracts;
using Procedures.Intake.Agencies;
using Procedures.Intake.Catalogue;
using Procedures.Intake.CatchUp;
using Procedures.Intake.Certification;
using Procedures.Intake.Documents;
using Procedures.Intake.Failover;
using Procedures.Intake.Dossiers;
using Procedures.ServiceDefaults.Audit;
using Procedures.Messaging.CatchUp;
using Procedures.ServiceDefaults.Idempotency;
using Procedures.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceMessaging(ResourceNames.Intake, typeof(Program).Assembly,
    bus =>
    {
        bus.AddConsumer<RegisterReturnedResults>();
        bus.AddConsumer<ResendSubmission>();
    });
builder.Services.AddDigest<SubmissionDigest>(builder.Configuration, SubmissionDigest.Section);
builder.Services.AddHostedService<CatalogueSeeding>(); // after migrations (hosted services start in order)
builder.AddDocuments();
builder.AddCertifiedCopies();
builder.AddLostAtFailoverCheck();
// The national portal's citizen data store, asked before a submission reusing a document from it is accepted.
builder.Services.AddHttpClient<CitizenStoreClient>(http =>
    http.BaseAddress = new Uri(builder.Configuration["Portal:BaseAddress"] ?? $"http://{ResourceNames.Sandbox}"));

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseIdempotencyKeys();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.MapCatalogue();
app.MapAgencies();
app.MapDossiers();
app.MapDocuments();
app.MapCertifiedCopies();
app.Run();

public partial class Program;
