using Procedures.Contracts;
using Procedures.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProceduresMessaging(ResourceNames.Payment, ResourceNames.Database(ResourceNames.Payment), typeof(Program).Assembly);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
