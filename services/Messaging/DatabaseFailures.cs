using Npgsql;

namespace Procedures.Messaging;

/// <summary>
/// The one rule for "the database failed, not the work": out of reach (<see cref="IsUnavailable"/>: a consumer holds its
/// message until the database is back, IdempotentConsumer) or busy (<see cref="IsBusy"/>: a consumer schedules a
/// redelivery, as for any failure); either way an HTTP request answers 503 with Retry-After (ProblemExceptionHandler) and
/// a migration at start-up tries again (<see cref="ShouldRetryLater"/>).
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

    /// <summary>
    /// Busy: a transient failure Npgsql knows (too many clients, a serialization failure, a deadlock, a broken stream) or
    /// a timeout (a lock queue longer than the command timeout under load). The transaction did not commit; the same work
    /// later will.
    /// </summary>
    public static bool IsBusy(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is NpgsqlException { IsTransient: true } or TimeoutException) return true;
        return false;
    }

    /// <summary>Out of reach or busy: the caller should try the same again shortly, not report a fault.</summary>
    public static bool ShouldRetryLater(Exception? ex) => IsUnavailable(ex) || IsBusy(ex);
}
