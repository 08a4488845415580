using Procedures.Contracts;
using Procedures.ServiceDefaults.Audit;
using Procedures.ServiceDefaults.Idempotency;
using Procedures.Notifications;
using Procedures.Notifications.Events;
using Procedures.Notifications.Stream;
using Procedures.Notifications.Webhooks;
using Procedures.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceMessaging(ResourceNames.Notifications, typeof(Program).Assembly,
    bus =>
    {
        bus.AddConsumer<RecordEvent>();
        bus.AddConsumer<RecordSynced>();
        bus.AddConsumer<RecordAtRisk>();
        bus.AddConsumer<RecordOverdue>();
        bus.AddConsumer<RecordPaymentSucceeded>();
        bus.AddConsumer<RecordPaymentFailed>();
        bus.AddConsumer<RecordPaymentRefunded>();
        bus.AddConsumer<RecordRatingLink>();
    });
builder.AddNotifications();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseIdempotencyKeys();
app.MapAuditEndpoints().RequireScope(Scopes.Audit);
app.MapPublicContract();
app.MapBrokerCredentials();
app.MapSubscriptions();
app.MapReplay();
app.MapDeliveryLog();
app.MapSubscriptionChecks();
app.Run();

public partial class Program;
