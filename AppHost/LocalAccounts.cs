using System.Text.Json;
using Procedures.Contracts;

namespace Procedures.AppHost;

/// <summary>
/// Least privilege in local mode (issue 20): who each service is to Postgres and RabbitMQ. Every service has a Postgres
/// owner role (owns its database, runs its migrations) and a login (what it runs as), and a RabbitMQ user limited to its own
/// queues and exchanges. Only Notifications, which issues the agencies' stream credentials, holds the broker-management
/// user. deploy/local/run-postgres.sh and run-rabbitmq.sh create them from what this class hands them; deploy/k8s has the
/// same accounts (secrets.yaml, rabbitmq.yaml). Dev passwords, one per account, derived from the local base password.
/// </summary>
public static class LocalAccounts
{
    /// <summary>The services that own a database and a broker user (the sandbox stands in for outside systems: neither).</summary>
    public static readonly IReadOnlyList<string> Services =
    [
        ResourceNames.Intake, ResourceNames.Processing, ResourceNames.Payment,
        ResourceNames.PortalSync, ResourceNames.Reporting, ResourceNames.Notifications,
    ];

    /// <summary>The broker user allowed to create users (an administrator: RabbitMQ has no narrower tag for that).</summary>
    public const string StreamAdmin = "notifications-stream-admin";

    /// <summary>The operator's account (and the tests' window on the management API); no service is given it.</summary>
    public const string Operator = "guest";

    public static string Login(string service) => service;

    public static string Owner(string service) => service + "_owner";

    public static string Password(string account, string basePassword) => account + "-" + basePassword;

    /// <summary>The AppHost resource holding a service's broker URI (the service reads it as ConnectionStrings:rabbitmq).</summary>
    public static string BrokerConnectionName(string service) => ResourceNames.RabbitMq + "-" + service;

    /// <summary>
    /// What a service's broker user may configure, write and read: its own prefixed queues and their exchanges (the queue
    /// name formatter prefixes every queue, its _error/_skipped queues and the bus queue with the service name), the message
    /// type exchanges of the contracts and MassTransit's fault exchanges for them, and for Notifications the public exchange.
    /// </summary>
    public static string BrokerPermission(string service, string publicExchange = "procedures.public")
    {
        var own = "^(" + System.Text.RegularExpressions.Regex.Escape(service) + @"-.*|Procedures\.Contracts:.*|MassTransit:Fault--.*";
        return own + (service == ResourceNames.Notifications ? "|" + System.Text.RegularExpressions.Regex.Escape(publicExchange) : "") + ")$";
    }

    /// <summary>run-postgres.sh's PROCEDURES_PG_ROLES: "db:owner:owner_password:login:login_password" per service.</summary>
    public static string PostgresRoles(string basePassword)
        => string.Join(' ', Services.Select(s =>
            $"{s}:{Owner(s)}:{Password(Owner(s), basePassword)}:{Login(s)}:{Password(Login(s), basePassword)}"));

    /// <summary>run-rabbitmq.sh's PROCEDURES_MQ_DEFINITIONS: the users and their permissions, loaded at every boot.</summary>
    public static string BrokerDefinitions(string basePassword)
    {
        var users = new List<object> { new { name = Operator, password = Operator, tags = "administrator" } };
        var permissions = new List<object> { new { user = Operator, vhost = "/", configure = ".*", write = ".*", read = ".*" } };
        foreach (var service in Services)
        {
            users.Add(new { name = service, password = Password(service, basePassword), tags = "" });
            var allowed = BrokerPermission(service);
            permissions.Add(new { user = service, vhost = "/", configure = allowed, write = allowed, read = allowed });
        }
        // Management rights only: no permission on the virtual host, so it can neither publish nor consume.
        users.Add(new { name = StreamAdmin, password = Password(StreamAdmin, basePassword), tags = "administrator" });
        return JsonSerializer.Serialize(new { vhosts = new[] { new { name = "/" } }, users, permissions });
    }
}
