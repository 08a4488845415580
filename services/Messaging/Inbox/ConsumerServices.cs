using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Procedures.Messaging.Inbox;

/// <summary>What every idempotent consumer needs, bundled so consumers keep one-line constructors.</summary>
public sealed class ConsumerServices(NpgsqlDataSource db, IOptions<MessagingOptions> options, TimeProvider time, ILoggerFactory loggers)
{
    public NpgsqlDataSource Db { get; } = db;
    public MessagingOptions Options { get; } = options.Value;
    public TimeProvider Time { get; } = time;
    public ILogger Logger { get; } = loggers.CreateLogger("Procedures.Messaging.Inbox");

    /// <summary>The service's group commit of consumed messages: one per database, shared by all its consumers.</summary>
    public InboxBatches Batches { get; } = new(db, options.Value.InboxBatchSize, loggers.CreateLogger("Procedures.Messaging.Inbox"));
}
