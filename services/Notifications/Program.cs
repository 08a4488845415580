using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;
using Procedures.Notifications.Stream;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProceduresMessaging(ResourceNames.Notifications, ResourceNames.Database(ResourceNames.Notifications), typeof(Program).Assembly,
    bus => bus.AddConsumer<RecordEvent>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.Run();

public partial class Program;
