using System.Text.Json.Nodes;
using Procedures.Contracts;

namespace Procedures.Notifications.Events;

/// <summary>
/// Internal event → public event, as pure functions. Data stays thin: codes, statuses, dates and agencies; never the
/// applicant's name, ID number or contacts, nor officers' free text (it may quote them). Ids derive from the fact
/// (dossier + sequence, dossier + due moment, payment reference), so a redelivered or re-published message keeps its id.
/// </summary>
public static class PublicEventMapping
{
    public const string ProcessingSource = "/procedures/processing";
    public const string PortalSyncSource = "/procedures/portalsync";
    public const string PaymentSource = "/procedures/payment";

    public static PublicEvent From(DossierStatusChanged m, DossierRoute? known)
    {
        var route = m.ReceivingUnit is null && known is not null ? known
            : DossierRoute.Of(m.ReceivingUnit, m.DecidingAgency, m.ProcedureCode ?? known?.ProcedureCode);
        var data = new JsonObject
        {
            ["sequence"] = m.Sequence,
            ["status"] = (int)m.Status,
            ["statusName"] = StatusName(m.Status),
            ["occurredAt"] = Date(m.OccurredAt),
            ["receivedAt"] = Date(m.ReceivedAt),
            ["appointmentAt"] = Date(m.AppointmentAt),
            ["originalAppointmentAt"] = Date(m.OriginalAppointmentAt),
        };
        var type = EventCatalogue.ForStatus(m.Status);
        if (m.Apology is { } apology)
        {
            type = EventCatalogue.ApologyIssued;
            data["newAppointmentAt"] = Date(apology.NewAppointmentAt);
            data["onTime"] = apology.OnTime;
        }
        if (m.CompletionRequest is { } completion)
        {
            type = EventCatalogue.CompletionRequested;
            data["completionDueAt"] = Date(completion.DueAt);
        }
        return new PublicEvent(PublicEvent.StableId($"{m.DossierCode}:{m.Sequence}:status"), type, ProcessingSource, m.DossierCode,
            m.OccurredAt, m.Sequence, IsStatus: true, route, data);
    }

    /// <summary>The acknowledgement names its route (older ones do not: then the route known from the status events).</summary>
    public static PublicEvent? From(DossierSynced m, DossierRoute? known)
        => (known ?? (m.ReceivingUnit is null ? null : DossierRoute.Of(m.ReceivingUnit, m.DecidingAgency, m.ProcedureCode))) is not { } route
            ? null : new PublicEvent(PublicEvent.StableId($"{m.DossierCode}:{m.Sequence}:synced"), EventCatalogue.Synced,
            PortalSyncSource, m.DossierCode, m.AcknowledgedAt, m.Sequence, IsStatus: false, route,
            new JsonObject { ["sequence"] = m.Sequence, ["acknowledgedAt"] = Date(m.AcknowledgedAt) });

    public static PublicEvent From(DossierAtRisk m) => Deadline(EventCatalogue.AtRisk, m.DossierCode, m.DueAt, m.RaisedAt,
        DossierRoute.Of(m.ReceivingUnit, m.DecidingAgency, m.ProcedureCode));

    public static PublicEvent From(DossierOverdue m) => Deadline(EventCatalogue.Overdue, m.DossierCode, m.DueAt, m.RaisedAt,
        DossierRoute.Of(m.ReceivingUnit, m.DecidingAgency, m.ProcedureCode));

    private static PublicEvent Deadline(EventType type, string code, DateTimeOffset dueAt, DateTimeOffset raisedAt, DossierRoute route)
        => new(PublicEvent.StableId($"{code}:{type.Name}:{dueAt.ToUniversalTime():O}"), type, ProcessingSource, code, raisedAt, null,
            IsStatus: false, route, new JsonObject { ["dueAt"] = Date(dueAt), ["raisedAt"] = Date(raisedAt) });

    public static PublicEvent? From(PaymentSucceeded m, DossierRoute? known)
        => Payment(EventCatalogue.PaymentSucceeded, m.DossierCode, m.Reference, m.PaidAt, known, new JsonObject
        {
            ["reference"] = m.Reference, ["amountVnd"] = m.AmountVnd, ["paidAt"] = Date(m.PaidAt), ["paidOnline"] = m.PaidOnline,
        });

    public static PublicEvent? From(PaymentFailed m, DossierRoute? known)
        => Payment(EventCatalogue.PaymentFailed, m.DossierCode, m.Reference, m.FailedAt, known, new JsonObject
        {
            ["reference"] = m.Reference, ["reason"] = m.Reason, ["failedAt"] = Date(m.FailedAt),
        });

    public static PublicEvent? From(PaymentRefunded m, DossierRoute? known)
        => Payment(EventCatalogue.PaymentRefunded, m.DossierCode, m.Reference, m.RefundedAt, known, new JsonObject
        {
            ["reference"] = m.Reference, ["amountVnd"] = m.AmountVnd, ["reason"] = m.Reason, ["refundedAt"] = Date(m.RefundedAt),
        });

    /// <summary>
    /// The rating link goes only where the dossier's own events go (its agencies' integrators), who send it to the applicant;
    /// it is the one value here that is a credential, so it never reaches a wider audience than the dossier's details.
    /// </summary>
    public static PublicEvent From(DossierRatingLinkIssued m)
        => new(PublicEvent.StableId($"{m.DossierCode}:{m.Sequence}:rating-link"), EventCatalogue.RatingLinkIssued, ProcessingSource,
            m.DossierCode, m.IssuedAt, m.Sequence, IsStatus: false, DossierRoute.Of(m.ReceivingUnit, m.DecidingAgency, m.ProcedureCode),
            new JsonObject
            {
                ["sequence"] = m.Sequence, ["ratingLink"] = m.Url, ["expiresAt"] = Date(m.ExpiresAt), ["issuedAt"] = Date(m.IssuedAt),
            });

    private static PublicEvent? Payment(EventType type, string code, string reference, DateTimeOffset at, DossierRoute? known, JsonObject data)
        => known is null ? null : new PublicEvent(PublicEvent.StableId($"{code}:{type.Name}:{reference}"), type, PaymentSource, code, at,
            null, IsStatus: false, known, data);

    public static string StatusName(DossierStatus status) => status switch
    {
        DossierStatus.Submitted => "submitted",
        DossierStatus.Received => "received",
        DossierStatus.Refused => "refused",
        DossierStatus.InProcessing => "processing",
        DossierStatus.SupplementRequested => "supplement-requested",
        DossierStatus.AwaitingPayment => "payment-requested",
        DossierStatus.Withdrawn => "withdrawn",
        DossierStatus.Stopped => "stopped",
        DossierStatus.Decided => "decided",
        DossierStatus.Returned => "returned",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static JsonNode? Date(DateTimeOffset? at) => at is { } a ? JsonValue.Create(a.ToVietnam()) : null;
}
