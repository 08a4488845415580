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
}
