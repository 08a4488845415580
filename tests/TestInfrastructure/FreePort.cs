using System.Net;
using System.Net.Sockets;

namespace Procedures.TestInfrastructure;

public static class FreePort
{
    // Below Linux's ephemeral range (32768–60999 by default). A port the OS hands out for port 0 is an ephemeral one,
    // and the OS may hand it again to any outgoing connection between our check and the server's bind: the server
    // (Postgres, RabbitMQ) then fails with "address in use" and its fixture waits for it in vain.
    private const int First = 20000, Last = 32000;
    private static readonly HashSet<int> Given = [];

    /// <summary>A loopback port nobody listens on right now, outside the range the OS gives to outgoing connections.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            lock (Given)
                if (!Given.Add(port)) continue; // free now, but already promised to another server of this run
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: try another
            }
        }
        throw new InvalidOperationException($"no free loopback port between {First} and {Last}");
    }
}
