using Npgsql;

namespace Procedures.Messaging;

/// <summary>
/// The one rule for "the database is out of reach, not the work wrong": an HTTP request answers 503 with Retry-After
/// (ProblemExceptionHandler) and a consumer holds its message until the database is back (IdempotentConsumer).
/// </summary>
public static class DatabaseFailures
{
    /// <summary>
    /// Connection failures and no server to connect to (every Npgsql error that is not a server's answer, e.g. "No suitable
    /// host was found" while a failover promotes the standby), a server shutting down or starting (57Pxx) or gone from
    /// the connection (08xxx), and a read-only server (25006): a node that is being promoted or demoted and does not take
    /// writes yet, or any more. Each passes within a failover; none is the request's or the message's fault.
    /// </summary>
    public static bool IsUnavailable(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            switch (ex)
            {
                case PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                                               || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
                                               || pg.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction:
                case NpgsqlException and not PostgresException and not NpgsqlOperationInProgressException:
                case System.Net.Sockets.SocketException:
                    return true;
                case AggregateException { InnerExceptions: var all } when all.Count > 0 && all.All(IsUnavailable):
                    return true; // "Unable to connect to a suitable host": one failure per host
            }
        return false;
    }
}
