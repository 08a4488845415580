using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace Procedures.AppHost;

/// <summary>
/// The system listens on fixed local addresses. A port already taken would otherwise show up as a resource
/// that never gets healthy; say so at once, with the port and its owner's role, and stop.
/// </summary>
internal static class PortCheck
{
    public static void ExitIfTaken(IDistributedApplicationBuilder builder)
    {
        // Test runs (Aspire.Hosting.Testing) randomise the service ports; only fixed ones need checking then.
        var randomized = builder.Configuration.GetValue("DcpPublisher:RandomizePorts", false);
        var infra = builder.Configuration.GetSection("Infrastructure");
        var ports = new List<(int Port, string Role)>
        {
            (infra.GetValue("PostgresPort", 55432), "PostgreSQL"),
            (infra.GetValue("RabbitMqPort", 55672), "RabbitMQ"),
            (infra.GetValue("RabbitMqManagementPort", 55673), "RabbitMQ management"),
        };
        if (infra["Topology"] == "cluster") ports.AddRange(ClusterTopology.Ports(infra));
        if (!randomized)
        {
            ports.AddRange([(18888, "Aspire dashboard"), (5101, "Intake"), (5102, "Processing"), (5103, "Payment"),
                (5104, "PortalSync"), (5105, "Reporting"), (5106, "Notifications"), (5109, "Sandbox")]);
        }

        var taken = ports.Where(p => !IsFree(p.Port)).ToList();
        if (taken.Count == 0) return;
        foreach (var (port, role) in taken)
            Console.Error.WriteLine($"error: port {port} ({role}) is already in use. Stop whatever holds it (ss -ltnp 'sport = :{port}') and run again.");
        Environment.Exit(2);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
