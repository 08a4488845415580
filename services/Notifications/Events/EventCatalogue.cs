using Procedures.Contracts;

namespace Procedures.Notifications.Events;

/// <summary>What a public event's <c>data</c> looks like; one JSON Schema per shape (see <see cref="EventSchemas"/>).</summary>
public enum DataShape
{
    Status,
    Apology,
    CompletionRequest,
    Synced,
    Deadline,
    PaymentSucceeded,
    PaymentFailed,
    PaymentRefunded,
    RatingLink,
}

/// <summary>
/// One public event type. The public contract is versioned apart from the internal MassTransit events and never
/// changes in place: a breaking change is a new <see cref="Version"/>, hence a new <see cref="Type"/>.
/// </summary>
public sealed record EventType(string Name, int Version, DataShape Shape, string Description, DossierStatus? Status = null)
{
    /// <summary>The CloudEvents <c>type</c>, e.g. <c>vn.hcm.procedures.dossier.received.v1</c>.</summary>
    public string Type => $"{EventCatalogue.TypePrefix}{Name}.v{Version}";

    /// <summary>The routing-key word for this type: dots become dashes (e.g. <c>dossier-received-v1</c>).</summary>
    public string RoutingWord => $"{Name.Replace('.', '-')}-v{Version}";
}

/// <summary>Every public event type integrators can receive, on the broker and by webhook.</summary>
public static class EventCatalogue
{
    public const string TypePrefix = "vn.hcm.procedures.";

    public static readonly EventType Submitted = new("dossier.submitted", 1, DataShape.Status, "A dossier was submitted and its code issued (status 1).", DossierStatus.Submitted);
    public static readonly EventType Received = new("dossier.received", 1, DataShape.Status, "The desk received the dossier and set the appointment date (status 2).", DossierStatus.Received);
    public static readonly EventType Refused = new("dossier.refused", 1, DataShape.Status, "The desk refused the dossier (status 3, terminal).", DossierStatus.Refused);
    public static readonly EventType InProcessing = new("dossier.processing", 1, DataShape.Status, "The dossier is being processed (status 4).", DossierStatus.InProcessing);
    public static readonly EventType SupplementRequested = new("dossier.supplement-requested", 1, DataShape.Status, "Supplementary documents were requested; the clock is paused (status 5).", DossierStatus.SupplementRequested);
    public static readonly EventType PaymentRequested = new("dossier.payment-requested", 1, DataShape.Status, "Fees must be paid before processing continues (status 6).", DossierStatus.AwaitingPayment);
    public static readonly EventType Withdrawn = new("dossier.withdrawn", 1, DataShape.Status, "The applicant withdrew the dossier (status 7, terminal).", DossierStatus.Withdrawn);
    public static readonly EventType Stopped = new("dossier.stopped", 1, DataShape.Status, "Processing was stopped (status 8, terminal).", DossierStatus.Stopped);
    public static readonly EventType Decided = new("dossier.decided", 1, DataShape.Status, "The dossier was decided; the result is ready (status 9).", DossierStatus.Decided);
    public static readonly EventType Returned = new("dossier.returned", 1, DataShape.Status, "The result was returned to the applicant (status 10, terminal).", DossierStatus.Returned);
    public static readonly EventType ApologyIssued = new("dossier.apology-issued", 1, DataShape.Apology, "The agency apologised for a delay and set a new appointment date (form 04); the status is unchanged.");
    public static readonly EventType CompletionRequested = new("dossier.completion-requested", 1, DataShape.CompletionRequest, "Before reception the desk asked, in writing, for the dossier to be completed by a date (form 02); the status stays 1.");
    public static readonly EventType Synced = new("dossier.synced", 1, DataShape.Synced, "The national public service portal acknowledged the dossier up to a sequence.");
    public static readonly EventType AtRisk = new("dossier.at-risk", 1, DataShape.Deadline, "An open dossier's legal due moment is near.");
    public static readonly EventType Overdue = new("dossier.overdue", 1, DataShape.Deadline, "An open dossier passed its legal due moment.");
    public static readonly EventType PaymentSucceeded = new("payment.succeeded", 1, DataShape.PaymentSucceeded, "The payment platform confirmed the dossier's fee payment.");
    public static readonly EventType PaymentFailed = new("payment.failed", 1, DataShape.PaymentFailed, "A fee payment failed, was abandoned or expired.");
    public static readonly EventType PaymentRefunded = new("payment.refunded", 1, DataShape.PaymentRefunded, "A paid fee was refunded.");
    public static readonly EventType RatingLinkIssued = new("dossier.rating-link-issued", 1, DataShape.RatingLink, "The result was returned with the signed link where the applicant rates the handling, without an account, until it expires: send it to the applicant (it is theirs alone; whoever holds it can rate once).");

    public static readonly IReadOnlyList<EventType> All =
    [
        Submitted, Received, Refused, InProcessing, SupplementRequested, PaymentRequested, Withdrawn, Stopped, Decided, Returned,
        ApologyIssued, CompletionRequested, Synced, AtRisk, Overdue, PaymentSucceeded, PaymentFailed, PaymentRefunded, RatingLinkIssued,
    ];

    private static readonly Dictionary<string, EventType> ByType = All.ToDictionary(t => t.Type, StringComparer.Ordinal);

    public static EventType? Find(string type) => ByType.GetValueOrDefault(type);

    public static EventType ForStatus(DossierStatus status) => All.Single(t => t.Status == status);

    /// <summary>
    /// A routing-key word from a code: AMQP topic words are dot-separated, and agency and procedure codes hold dots,
    /// so dots become underscores (<c>26740.H29</c> → <c>26740_H29</c>); an absent value is <c>none</c>.
    /// </summary>
    public static string Word(string? code) => string.IsNullOrEmpty(code) ? "none" : code.Replace('.', '_');

    /// <summary>Routing key <c>{agency}.{procedure}.{event}</c>: a subscriber binds e.g. <c>26740_H29.#</c> or <c>26740_H29.*.dossier-received-v1</c>.</summary>
    public static string RoutingKey(string agency, string? procedure, EventType type) => $"{Word(agency)}.{Word(procedure)}.{type.RoutingWord}";
}
