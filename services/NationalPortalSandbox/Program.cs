using Microsoft.Extensions.DependencyInjection.Extensions;
using Procedures.Sandbox.Faults;
using Procedures.Sandbox.Identity;
using Procedures.Sandbox.Payment;
using Procedures.Sandbox.Portal;

// Stand-in for the systems we cannot reach from here: the national public service portal (and, as the
// project grows, the national payment platform and the city's identity provider), with switchable faults.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddSingleton<PortalStore>();
builder.Services.AddSingleton<CitizenDataStore>();
builder.Services.AddSingleton<FaultSwitch>();
builder.Services.TryAddSingleton<OperatorLog>();
builder.Services.Configure<IdentitySettings>(builder.Configuration.GetSection("Identity"));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<TokenEndpoint>();
builder.AddPaymentPlatform();

var app = builder.Build();
app.MapDefaultEndpoints();
SyncEndpoints.Map(app);
CitizenStoreEndpoints.Map(app);
FaultSwitch.Map(app);
OperatorLog.Map(app);
TokenEndpoint.Map(app);
app.MapPaymentPlatform();
app.Run();

public partial class Program;
