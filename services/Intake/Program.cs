using Procedures.Contracts;
using Procedures.Intake.Dossiers;
using Procedures.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProceduresMessaging(ResourceNames.Intake, ResourceNames.Database(ResourceNames.Intake), typeof(Program).Assembly);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGroup("/api/v1/dossiers").WithTags("Dossiers").MapSubmit().MapRead();
app.Run();

public partial class Program;
