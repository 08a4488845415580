using Microsoft.Extensions.Configuration;

namespace Procedures.Messaging;

/// <summary>
/// The broker cluster's nodes, <c>Messaging:BrokerNodes</c> ("host:port,host:port,…", set by the AppHost in the cluster
/// topology). The connection string still gives the user, password and virtual host; with nodes listed, a client connects
/// to the first that answers and, when that node leaves, reconnects to another (MassTransit's cluster, RabbitMQ.Client's
/// endpoint list). Without them, the connection string's host alone.
/// </summary>
public static class BrokerNodes
{
    public static IReadOnlyList<(string Host, int Port)> From(IConfiguration configuration)
        => (configuration["Messaging:BrokerNodes"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(node => node.LastIndexOf(':') is var colon and > 0
                ? (node[..colon], int.Parse(node[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture))
                : (node, 5672))
            .ToList();
}
