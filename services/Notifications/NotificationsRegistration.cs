using Procedures.Notifications.Stream;
using Procedures.Notifications.Webhooks;

namespace Procedures.Notifications;

public static class NotificationsRegistration
{
    /// <summary>The public stream's publisher and broker accounts, and webhook delivery.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<NotificationsOptions>(builder.Configuration.GetSection(NotificationsOptions.Section));
        builder.Services.Configure<WebhookOptions>(builder.Configuration.GetSection(WebhookOptions.Section));
        builder.Services.AddSingleton<NotificationsMetrics>();
        builder.Services.AddSingleton<BrokerConnection>();
        builder.Services.AddHttpClient<BrokerAccounts>();
        builder.Services.AddSingleton<CallbackUrlGuard>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddHostedService<StreamPublisher>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }
}
