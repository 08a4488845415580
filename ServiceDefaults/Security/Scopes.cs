namespace Procedures.ServiceDefaults.Security;

/// <summary>The scopes an agency client can hold (OAuth 2.0 client credentials); `internal` is for service-to-service calls.</summary>
public static class Scopes
{
    public const string ProceduresAdmin = "procedures.admin";
    public const string DossiersSubmit = "dossiers.submit";
    public const string Reception = "reception";
    public const string Processing = "processing";
    public const string Payments = "payments";
    public const string Sync = "sync";
    public const string Reporting = "reporting";
    public const string Audit = "audit";
    public const string Webhooks = "webhooks";
    public const string CalendarAdmin = "calendar.admin";
    public const string Feedback = "feedback";
    public const string Internal = "internal";

    public static readonly IReadOnlyList<string> All =
    [
        ProceduresAdmin, DossiersSubmit, Reception, Processing, Payments, Sync, Reporting, Audit, Webhooks,
        CalendarAdmin, Feedback, Internal,
    ];

    /// <summary>What each scope allows, as the API description shows it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [ProceduresAdmin] = "Edit the procedure catalogue (versions, components, fees)",
        [DossiersSubmit] = "Upload documents and submit dossiers for the caller's receiving unit",
        [Reception] = "Act at the one-door desk: accept, refuse, completion requests, receipts, certified copies",
        [Processing] = "Process dossiers: every lifecycle action after reception, apologies",
        [Payments] = "Request and confirm fee payments",
        [Sync] = "See and steer the mirror to the national portal",
        [Reporting] = "Read KPIs (Decision 766) and the scoreboard",
        [Audit] = "Read and verify the audit logs",
        [Webhooks] = "Manage webhook subscriptions and stream credentials",
        [CalendarAdmin] = "Correct a year's days-off table",
        [Feedback] = "Answer citizens' feedback and read ratings",
        [Internal] = "Service-to-service calls",
    };
}

/// <summary>Endpoint metadata: the scopes of which a token needs one (for the API description).</summary>
public sealed record RequiredScopes(IReadOnlyList<string> AnyOf);
