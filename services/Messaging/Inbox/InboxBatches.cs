using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Procedures.Messaging.Inbox;

/// <summary>
/// Group commit of consumed messages (issue 23, item 2): under load, the messages a service's consumers are waiting to
/// apply share one transaction — their inbox rows in one statement, then each effect (with its outbox rows) in the order
/// they arrived, one commit, and every delivery acknowledged when it returns. One batch runs at a time per service
/// database; messages that arrive meanwhile wait and form the next one, so a lone message still goes at once.
/// <para>
/// A batch is only a way of committing several messages' own transactions together, never a change of what each does:
/// when anything in a batch fails, the whole transaction rolls back and each of its messages is applied alone, as if
/// no batch had been tried (its retries, redeliveries and error queue unchanged). A message that was alone in its batch
/// has had its first attempt. Mixing every consumer of the service in one batch (rather than a batch per consumer)
/// means two batches never hold each other's dossier locks in one process.
/// </para>
/// </summary>
public sealed partial class InboxBatches(NpgsqlDataSource db, int maxBatch, ILogger logger)
{
    private readonly object _gate = new();
    private readonly Queue<Entry> _waiting = new();
    private bool _leading;

    /// <summary>Batching is on when a batch may hold more than one message.</summary>
    public bool Enabled => maxBatch > 1;

    /// <summary>One message to apply: its inbox key, and its effect inside the batch's transaction.</summary>
    public sealed class Entry(Guid messageId, string consumer, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> apply)
    {
        internal Guid MessageId { get; } = messageId;
        internal string Consumer { get; } = consumer;
        internal Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> Apply { get; } = apply;

        /// <summary>The message's own trace (its consume span), so its effect's statements stay in it when another leads.</summary>
        internal Activity? Activity { get; } = Activity.Current;

        internal TaskCompletionSource<Result?> Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// What became of a message: committed (applied, or skipped as already applied), or not, and then why and whether the
    /// failure was its own (it was alone in its batch) or a batch-mate's.
    /// </summary>
    public sealed record Result(Exception? Failure, bool Alone)
    {
        public static readonly Result Committed = new(null, false);

        public bool Done => Failure is null;
    }

    /// <summary>
    /// Applies the message with whatever else is waiting. Done: committed (or a duplicate). Otherwise the caller applies it
    /// alone; <see cref="Result.Alone"/> says the failure was its own (its first attempt), not a batch-mate's.
    /// </summary>
    public async Task<Result> ApplyAsync(Entry entry, CancellationToken ct)
    {
        bool lead;
        lock (_gate)
        {
            lead = !_leading;
            if (lead) _leading = true;
            else _waiting.Enqueue(entry);
        }
        // A waiter learns its result from the batch that took it, or null: its turn to lead.
        if (!lead && await entry.Turn.Task is { } settled) return settled;

        List<Entry> batch = [entry];
        lock (_gate)
            while (batch.Count < maxBatch && _waiting.TryDequeue(out var next)) batch.Add(next);
        Result[] results;
        try
        {
            results = await RunAsync(batch, ct);
        }
        catch (Exception ex)
        {
            results = [.. batch.Select(_ => new Result(ex, batch.Count == 1))];
        }
        finally
        {
            lock (_gate)
            {
                if (_waiting.TryDequeue(out var next)) next.Turn.TrySetResult(null);
                else _leading = false;
            }
        }
        for (var i = 1; i < batch.Count; i++) batch[i].Turn.TrySetResult(results[i]);
        return results[0];
    }

    /// <summary>The message alone in its own transaction (the rule every batch applies, for one); a failure is thrown.</summary>
    public Task ApplyAloneAsync(Entry entry, CancellationToken ct) => RunAsync([entry], ct);

    private async Task<Result[]> RunAsync(List<Entry> batch, CancellationToken ct)
    {
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var fresh = (await connection.QueryAsync<(Guid MessageId, string Consumer)>(new CommandDefinition("""
                INSERT INTO messaging.inbox (message_id, consumer)
                SELECT * FROM unnest(@ids, @consumers) ON CONFLICT DO NOTHING RETURNING message_id, consumer
                """, new { ids = batch.Select(e => e.MessageId).ToArray(), consumers = batch.Select(e => e.Consumer).ToArray() }, tx,
                cancellationToken: ct))).ToHashSet();
            var outer = Activity.Current;
            foreach (var e in batch)
            {
                // The same message twice in one batch (a redelivery beside the first copy): only the first applies it.
                if (!fresh.Remove((e.MessageId, e.Consumer)))
                {
                    LogDuplicate(logger, e.MessageId, e.Consumer);
                    continue;
                }
                Activity.Current = e.Activity ?? outer;
                try { await e.Apply(connection, tx, ct); }
                finally { Activity.Current = outer; }
            }
            await tx.CommitAsync(ct);
            if (batch.Count > 1) InboxMetrics.Batch(batch.Count);
            return [.. batch.Select(_ => Result.Committed)];
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // Someone's effect failed, or the commit (a deadlock with another instance's batch): each goes alone.
            LogBatchFailed(logger, ex, batch.Count);
            return [.. batch.Select(_ => new Result(ex, false))];
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Message {MessageId} already applied by {Consumer}; skipped")]
    private static partial void LogDuplicate(ILogger logger, Guid messageId, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch of {Count} consumed messages failed; each is applied alone")]
    private static partial void LogBatchFailed(ILogger logger, Exception ex, int count);
}
