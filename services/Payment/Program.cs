using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProceduresMessaging(ResourceNames.Payment, ResourceNames.Database(ResourceNames.Payment), typeof(Program).Assembly);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.Run();

public partial class Program;
