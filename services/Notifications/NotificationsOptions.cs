namespace Procedures.Notifications;

/// <summary>Public addresses and the public broker's settings; bound from the "Notifications" section.</summary>
public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>Where this service is reachable by integrators (schemas and the AsyncAPI document are served under it).</summary>
    public string PublicBaseUrl { get; set; } = "https://api.procedures.hcmc.gov.vn/notifications";

    /// <summary>The dossier's details for an authorised agency system (Intake's GET /api/v1/dossiers/{code}).</summary>
    public string DossierDetailsUrl { get; set; } = "https://api.procedures.hcmc.gov.vn/intake/api/v1/dossiers/{code}";

    /// <summary>The public topic exchange (apart from MassTransit's exchanges, which stay internal).</summary>
    public string Exchange { get; set; } = "procedures.public";

    /// <summary>The broker address integrators connect to (AsyncAPI server host), e.g. <c>events.procedures.hcmc.gov.vn:5672</c>.</summary>
    public string BrokerHost { get; set; } = "events.procedures.hcmc.gov.vn:5672";

    /// <summary>
    /// How integrators speak to <see cref="BrokerHost"/>: <c>amqp</c>, or <c>amqps</c> where the broker's public door is TLS
    /// (deploy/k8s: port 5671). Only the AsyncAPI server entry says it; the service itself connects over its own connection string.
    /// </summary>
    public string BrokerProtocol { get; set; } = "amqp";

    /// <summary>RabbitMQ management API (creates the agencies' broker users).</summary>
    public string? ManagementUrl { get; set; }

    /// <summary>
    /// The management account (an administrator; issue 20: only this service holds one, apart from the service's own broker
    /// user, which has no management rights). Unset: the broker connection string's user (a single shared user, as in tests).
    /// </summary>
    public string? ManagementUser { get; set; }

    public string? ManagementPassword { get; set; }

    /// <summary>A status event waits this long for its predecessor in the dossier's sequence before it is released anyway.</summary>
    public TimeSpan OrderHoldTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan PublishPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
