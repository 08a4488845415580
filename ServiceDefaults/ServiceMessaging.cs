using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.ServiceDefaults.Audit;
using Procedures.ServiceDefaults.Idempotency;

namespace Microsoft.Extensions.Hosting;

public static class ServiceMessagingExtensions
{
    /// <summary>
    /// A service's own database and bus (Messaging, with the database and owner connections named by
    /// <see cref="ResourceNames"/>) and the HTTP pieces kept in that database: the request audit recorder and the
    /// Idempotency-Key context (the service adds <c>UseIdempotencyKeys</c> and <c>MapAuditEndpoints</c> to its pipeline).
    /// </summary>
    /// <param name="service">The service's resource name (<see cref="ResourceNames"/>): its queues' prefix and its database's name.</param>
    /// <param name="scripts">Assembly whose embedded Sql/*.sql files are the service's migrations.</param>
    public static IHostApplicationBuilder AddServiceMessaging(this IHostApplicationBuilder builder, string service,
        System.Reflection.Assembly scripts, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        var database = ResourceNames.Database(service);
        builder.AddProceduresMessaging(service, database, scripts, consumers, ResourceNames.Migrations(database));
        builder.AddRequestAudit();
        builder.Services.AddScoped<IdempotencyContext>();
        return builder;
    }
}
