using Microsoft.Extensions.Options;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Notifications.Events;

/// <summary>
/// Turns one internal event into its public event and logs it (inbox row, log row and any release in one transaction).
/// Events that do not name the dossier's agencies take them from its status events; before the first one has arrived
/// the message is retried later (transient), which is also how order with the status stream is kept.
/// </summary>
public abstract class RecordEvent<T>(ConsumerServices services, IOptions<NotificationsOptions> options) : IdempotentConsumer<T>(services)
    where T : class
{
    /// <summary>The public event, given the route already known for the dossier (null if none yet).</summary>
    protected abstract PublicEvent? Map(T message, DossierRoute? known);

    protected abstract string DossierCode(T message);

    protected override async Task HandleAsync(T message, ConsumeScope<T> scope, CancellationToken ct)
    {
        var known = await EventLog.RouteAsync(scope.Transaction, DossierCode(message), ct);
        var e = Map(message, known)
            ?? throw new InvalidOperationException($"No route known yet for dossier {DossierCode(message)}; retried later");
        if (e.Route.Agencies.Count == 0) throw new PermanentFailureException($"Dossier {e.DossierCode} names no agency");
        await EventLog.LearnRouteAsync(scope.Transaction, e.DossierCode, e.Route, ct);
        await EventLog.AppendAsync(scope.Transaction, e, new PublicLinks(options.Value), options.Value.OrderHoldTimeout, ct);
    }
}

/// <summary>
/// Status events (the name is the consumer's from before the public stream: it keeps its queue and its inbox rows, so
/// nothing is consumed twice and no orphan queue is left bound).
/// </summary>
public sealed class RecordEvent(ConsumerServices s, IOptions<NotificationsOptions> o) : RecordEvent<DossierStatusChanged>(s, o)
{
    protected override string DossierCode(DossierStatusChanged m) => m.DossierCode;

    protected override PublicEvent? Map(DossierStatusChanged m, DossierRoute? known) => PublicEventMapping.From(m, known);
}

public sealed class RecordSynced(ConsumerServices s, IOptions<NotificationsOptions> o) : RecordEvent<DossierSynced>(s, o)
{
    protected override string DossierCode(DossierSynced m) => m.DossierCode;

    protected override PublicEvent? Map(DossierSynced m, DossierRoute? known) => PublicEventMapping.From(m, known);
}

public sealed class RecordAtRisk(ConsumerServices s, IOptions<NotificationsOptions> o) : RecordEvent<DossierAtRisk>(s, o)
{
    protected override string DossierCode(DossierAtRisk m) => m.DossierCode;

    protected override PublicEvent? Map(DossierAtRisk m, DossierRoute? known) => PublicEventMapping.From(m);
}

public sealed class RecordOverdue(ConsumerServices s, IOptions<NotificationsOptions> o) : RecordEvent<DossierOverdue>(s, o)
{
    protected override string DossierCode(DossierOverdue m) => m.DossierCode;

    protected override PublicEvent? Map(DossierOverdue m, DossierRoute? known) => PublicEventMapping.From(m);
}

public sealed class RecordPaymentSucceeded(ConsumerServices s, IOptions<NotificationsOptions> o) : RecordEvent<PaymentSucceeded>(s, o)
{
    protected override string DossierCode(PaymentSucceeded m) => m.DossierCode;

    protected override PublicEvent? Map(PaymentSucceeded m, DossierRoute? known) => PublicEventMapping.From(m, known);
}

public sealed class RecordPaymentFailed(ConsumerServices s, IOptions<NotificationsOptions> o) : RecordEvent<PaymentFailed>(s, o)
{
    protected override string DossierCode(PaymentFailed m) => m.DossierCode;

    protected override PublicEvent? Map(PaymentFailed m, DossierRoute? known) => PublicEventMapping.From(m, known);
}

public sealed class RecordPaymentRefunded(ConsumerServices s, IOptions<NotificationsOptions> o) : RecordEvent<PaymentRefunded>(s, o)
{
    protected override string DossierCode(PaymentRefunded m) => m.DossierCode;

    protected override PublicEvent? Map(PaymentRefunded m, DossierRoute? known) => PublicEventMapping.From(m, known);
}

public sealed class RecordRatingLink(ConsumerServices s, IOptions<NotificationsOptions> o) : RecordEvent<DossierRatingLinkIssued>(s, o)
{
    protected override string DossierCode(DossierRatingLinkIssued m) => m.DossierCode;

    protected override PublicEvent? Map(DossierRatingLinkIssued m, DossierRoute? known) => PublicEventMapping.From(m);
}
