using Dapper;
using Npgsql;

namespace Procedures.Notifications.Webhooks;

/// <summary>
/// Every statement that creates, changes or deletes a webhook subscription, in the caller's transaction: the endpoints
/// (<see cref="Subscriptions"/>) decide and audit, this only stores, and tests set subscriptions up through it.
/// </summary>
public static class SubscriptionStore
{
    /// <summary>A new subscription, its secret already sealed (<see cref="WebhookSecrets.Seal"/>); state active or paused.</summary>
    public sealed record NewSubscription(Guid Id, string Agency, bool AllAgencies, string ClientId, string Url, string SealedSecret,
        string[] EventTypes, string[] Agencies, string[] Procedures, string? Description, string State);

    /// <summary>What an edit changes: null leaves a field as it is; a new state clears the reason it was disabled for.</summary>
    public sealed record Change(string? Url = null, string[]? EventTypes = null, string[]? Agencies = null, string[]? Procedures = null,
        string? Description = null, string? State = null);

    public static Task InsertAsync(NpgsqlTransaction tx, NewSubscription s, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO webhook_subscriptions (id, agency, all_agencies, client_id, url, secret, event_types, agencies, procedures, description, state)
            VALUES (@Id, @Agency, @AllAgencies, @ClientId, @Url, @SealedSecret, @EventTypes, @Agencies, @Procedures, @Description, @State)
            """, s, tx, cancellationToken: ct));

    /// <summary>Applies <paramref name="change"/> to the subscription if it is the caller's (<see cref="Subscriptions.Owned"/>); false otherwise.</summary>
    public static async Task<bool> UpdateAsync(NpgsqlTransaction tx, Guid id, Change change, string agency, bool seesAllAgencies, CancellationToken ct)
        => await tx.Connection!.ExecuteAsync(new CommandDefinition($"""
            UPDATE webhook_subscriptions SET
                url = COALESCE(@Url, url),
                event_types = CASE WHEN @hasTypes THEN @EventTypes ELSE event_types END,
                agencies = CASE WHEN @hasAgencies THEN @Agencies ELSE agencies END,
                procedures = CASE WHEN @hasProcedures THEN @Procedures ELSE procedures END,
                description = COALESCE(@Description, description),
                state = COALESCE(@State, state),
                disabled_reason = CASE WHEN @State IS NULL THEN disabled_reason END,
                updated_at = now()
            WHERE id = @id AND {Subscriptions.Owned}
            """, new
            {
                id, change.Url, hasTypes = change.EventTypes is not null, EventTypes = change.EventTypes ?? [], hasAgencies = change.Agencies is not null,
                Agencies = change.Agencies ?? [], hasProcedures = change.Procedures is not null, Procedures = change.Procedures ?? [],
                change.Description, change.State, Agency = agency, SeesAllAgencies = seesAllAgencies,
            }, tx, cancellationToken: ct)) > 0;

    /// <summary>
    /// Deletes the caller's subscription (false when it is not the caller's): kept, secrets cleared, for the retention
    /// window, so its delivery log stays readable (<see cref="WebhookRetention"/> purges it later); pending deliveries are cancelled.
    /// </summary>
    public static async Task<bool> DeleteAsync(NpgsqlTransaction tx, Guid id, string agency, bool seesAllAgencies, CancellationToken ct)
    {
        var deleted = await tx.Connection!.ExecuteAsync(new CommandDefinition($"""
            UPDATE webhook_subscriptions SET state = 'deleted', deleted_at = now(), updated_at = now(), secret = '', previous_secret = NULL,
                previous_secret_until = NULL
            WHERE id = @id AND {Subscriptions.Owned}
            """, new { id, Agency = agency, SeesAllAgencies = seesAllAgencies }, tx, cancellationToken: ct));
        if (deleted == 0) return false;
        await tx.Connection!.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET state = 'cancelled', finished_at = now() WHERE subscription_id = @id AND state = 'pending'",
            new { id }, tx, cancellationToken: ct));
        return true;
    }
}
