using System.Data;
using Npgsql;

namespace Procedures.Messaging;

/// <summary>
/// The services' pools do not reset a session when its connection goes back (No Reset On Close, see
/// <see cref="MessagingRegistration"/>). The few connections that keep session state (a LISTEN, a session advisory lock)
/// end it here before they are disposed; otherwise an idle pooled connection would go on listening (the server queues
/// notifications for it that nobody reads) or hold the lock, so no other instance could ever take it.
/// </summary>
public static class PooledSession
{
    /// <summary>Stops listening and releases the session's advisory locks; a broken connection has nothing left to end.</summary>
    public static async Task EndAsync(NpgsqlConnection connection, NpgsqlDataSource db)
    {
        if (connection.State != ConnectionState.Open) return; // closed or broken: the server ended the session and its state
        try
        {
            await using var end = new NpgsqlCommand("UNLISTEN *; SELECT pg_advisory_unlock_all()", connection);
            await end.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // The session's state is unknown: the pool closes this connection when it comes back (and every other one
            // then), rather than hand it out again still listening or holding the lock.
            db.Clear();
        }
    }
}
