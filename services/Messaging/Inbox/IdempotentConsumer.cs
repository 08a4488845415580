using System.Runtime.ExceptionServices;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Procedures.Messaging.Inbox;

/// <summary>
/// Base of every consumer: its effect and its inbox row commit in one transaction, so a redelivered or
/// duplicated message (same MessageId) changes state once. Under load that transaction is shared with the other messages
/// the service is applying at the moment (<see cref="InboxBatches"/>); a failure there sends each back here alone.
/// Failures are retried in process, then redelivered later through the outbox (a due-time row sent back to this queue:
/// no broker plugin or scheduler needed), and finally thrown, which makes MassTransit move the message to the queue's
/// _error queue with the exception.
/// </summary>
public abstract partial class IdempotentConsumer<T>(ConsumerServices services) : IConsumer<T> where T : class
{
    public const string RedeliveryHeader = "procedures-redelivery";

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(1, services.Options.ImmediateRetries),
            Delay = services.Options.ImmediateRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not PermanentFailureException),
        })
        .Build();

    /// <summary>Name under which effects are recorded in the inbox; stable across renames of the class if overridden.</summary>
    protected virtual string ConsumerName => GetType().Name;

    protected ConsumerServices Services => services;

    /// <summary>Applies the message's effect inside <paramref name="scope"/>'s transaction.</summary>
    protected abstract Task HandleAsync(T message, ConsumeScope<T> scope, CancellationToken ct);

    public async Task Consume(ConsumeContext<T> context)
    {
        var messageId = context.MessageId ?? throw new PermanentFailureException("The message carries no MessageId.");
        var ct = context.CancellationToken;
        var entry = new InboxBatches.Entry(messageId, ConsumerName,
            (connection, tx, token) => HandleAsync(context.Message, new ConsumeScope<T>(connection, tx, context), token));
        // The first attempt joins whatever else the service is applying (InboxBatches); every later one is the message's own.
        var inBatch = services.Batches.Enabled;
        async ValueTask AttemptAsync(CancellationToken token)
        {
            if (inBatch)
            {
                inBatch = false;
                var result = await services.Batches.ApplyAsync(entry, token);
                if (result.Done) return;
                // Its own failure was its first attempt; a batch-mate's failure was not, so it goes alone at once.
                if (result.Alone) ExceptionDispatchInfo.Throw(result.Failure!);
            }
            await services.Batches.ApplyAloneAsync(entry, token);
        }
        var outageEnds = services.Time.GetUtcNow() + services.Options.DatabaseOutageWait;
        while (true)
        {
            try
            {
                if (services.Options.ImmediateRetries > 0)
                    await _retry.ExecuteAsync(AttemptAsync, ct);
                else
                    await AttemptAsync(ct);
                return;
            }
            catch (Exception ex) when (IsDatabaseUnavailable(ex) && !ct.IsCancellationRequested && services.Time.GetUtcNow() < outageEnds)
            {
                // Our own database is down or restarting: hold the message and try again when it is back.
                LogDatabaseUnavailable(services.Logger, messageId, ConsumerName);
                await Task.Delay(services.Options.DatabaseOutagePoll, services.Time, ct);
            }
            catch (Exception ex) when (ex is not PermanentFailureException && !ct.IsCancellationRequested)
            {
                try
                {
                    // Scheduled for later: acknowledging this delivery is safe because the redelivery row committed.
                    if (!await TryScheduleRedeliveryAsync(context, messageId, ex)) throw;
                    return;
                }
                catch (Exception scheduling) when (!ReferenceEquals(scheduling, ex) && IsDatabaseUnavailable(scheduling)
                                                   && !ct.IsCancellationRequested && services.Time.GetUtcNow() < outageEnds)
                {
                    // The failure was not recognised as an outage, but the database went away before the redelivery could be
                    // written (a crash reports itself in many ways): hold the message as for an outage, rather than let
                    // MassTransit move it to the error queue, where nothing would bring it back.
                    LogDatabaseUnavailable(services.Logger, messageId, ConsumerName);
                    await Task.Delay(services.Options.DatabaseOutagePoll, services.Time, ct);
                }
            }
        }
    }

    /// <summary>The database is out of reach (<see cref="DatabaseFailures.IsUnavailable"/>), not a bad message.</summary>
    internal static bool IsDatabaseUnavailable(Exception? ex) => DatabaseFailures.IsUnavailable(ex);

    private async Task<bool> TryScheduleRedeliveryAsync(ConsumeContext<T> context, Guid messageId, Exception ex)
    {
        var delays = services.Options.EffectiveRedeliveryDelays;
        // Headers travel through the outbox as strings; read it back the same way.
        var attempt = int.TryParse(context.Headers.Get<string>(RedeliveryHeader), out var n) ? n : 0;
        if (attempt >= delays.Count) return false; // exhausted: rethrow → error queue

        var due = services.Time.GetUtcNow() + delays[attempt];
        await using var connection = await services.Db.OpenConnectionAsync(CancellationToken.None);
        await using var tx = await connection.BeginTransactionAsync(CancellationToken.None);
        var headers = new Dictionary<string, string> { [RedeliveryHeader] = (attempt + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await Outbox.Outbox.EnqueueAsync(tx, context.Message, typeof(T), messageId,
            context.ReceiveContext.InputAddress, headers, due, CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        LogRedelivery(services.Logger, ex, messageId, ConsumerName, attempt + 1, due);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable while {Consumer} handled {MessageId}; holding it until the database is back")]
    private static partial void LogDatabaseUnavailable(ILogger logger, Guid messageId, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} failed in {Consumer}; redelivery {Attempt} scheduled at {DueAt}")]
    private static partial void LogRedelivery(ILogger logger, Exception ex, Guid messageId, string consumer, int attempt, DateTimeOffset dueAt);
}

/// <summary>The open transaction a consumer's effect runs in, and the message's context.</summary>
public sealed record ConsumeScope<T>(NpgsqlConnection Connection, NpgsqlTransaction Transaction, ConsumeContext<T> Context)
    where T : class
{
    /// <summary>Publishes an event that commits with this consumer's effect.</summary>
    public Task<Guid> PublishAsync<TEvent>(TEvent message, CancellationToken ct) where TEvent : class
        => Outbox.Outbox.PublishAsync(Transaction, message, ct);
}

/// <summary>A failure that retrying cannot fix (bad data): the message goes straight to the error queue.</summary>
public sealed class PermanentFailureException(string message, Exception? inner = null) : Exception(message, inner);
