using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Processing.Dossiers;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProceduresMessaging(ResourceNames.Processing, ResourceNames.Database(ResourceNames.Processing), typeof(Program).Assembly,
    bus => bus.AddConsumer<RecordSubmission>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
