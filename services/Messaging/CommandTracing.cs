using System.Diagnostics;
using Npgsql;

namespace Procedures.Messaging;

/// <summary>
/// Database commands are traced only inside an operation (a request, a consumed message, a relayed row, a sync call: an
/// <see cref="Activity"/> is current). Background passes poll their tables many times a second (outbox relays, workers'
/// fallback polls, the audit chainer, scans, listeners): traced, each poll that found nothing was a trace of its own,
/// about 35 a second across the services with nothing to do (issue 23). A pass that finds work starts its Activity then
/// (the relay per row, the portal sync, the webhook delivery, the payment platform call), and what it does after is traced
/// under it; the poll that found the work is not. Opening a physical connection has no such filter (a pool reopening one
/// for a poll was a root trace too), so it is not traced at all: its time shows inside the operation's span that waited.
/// </summary>
public static class CommandTracing
{
    public static NpgsqlDataSourceBuilder TraceOnlyWithinOperations(this NpgsqlDataSourceBuilder builder)
    {
        builder.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            .ConfigureCopyOperationFilter(_ => Activity.Current is not null)
            .EnablePhysicalOpenTracing(false));
        return builder;
    }
}
