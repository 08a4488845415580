namespace Procedures.ServiceDefaults.Audit;

/// <summary>What the request's audit recorder writes for one answered request.</summary>
public enum RequestAuditKind
{
    None,
    /// <summary>A write (or an attempt at one) whose handler appended no entry of its own.</summary>
    Write,
    /// <summary>security.unauthenticated: 401, no token or an invalid one.</summary>
    Unauthenticated,
    /// <summary>security.forbidden: 403 from authorization, the token lacks the operation's scope.</summary>
    Forbidden,
    /// <summary>security.cross-agency: a handler refused another agency's resource (CrossAgency.Refused).</summary>
    CrossAgency,
}

/// <summary>The facts about an answered request that decide its audit entry.</summary>
public sealed record RequestFacts(
    string Method, int Status, bool ReachedEndpoint, bool HandlerAppended, bool AuthorizationForbade, bool CrossAgencyRefused);

/// <summary>
/// The one rule for what a request leaves in the audit log besides its handler's own entries (a pure function, so it is
/// tested without a host).
/// </summary>
public static class RequestAuditDecision
{
    public static RequestAuditKind Decide(RequestFacts r)
    {
        // Security events first, whatever the method: reads of another agency's dossier are attempts too.
        if (r.CrossAgencyRefused) return RequestAuditKind.CrossAgency;
        if (r.Status == 401) return RequestAuditKind.Unauthenticated;
        if (r.Status == 403 && r.AuthorizationForbade) return RequestAuditKind.Forbidden;
        // Refused by the rate limiter before anything ran: counted by the limiter, not written (a flood would fill the log).
        if (r.Status == 429) return RequestAuditKind.None;
        if (!IsWrite(r.Method) || !r.ReachedEndpoint) return RequestAuditKind.None;
        // A handler's own entry commits with its change; an error answer after one may have rolled it back, so it gets ours.
        return r.HandlerAppended && r.Status < 400 ? RequestAuditKind.None : RequestAuditKind.Write;
    }

    /// <summary>State-changing methods (RFC 9110 §9.2.1: everything but the safe ones).</summary>
    public static bool IsWrite(string method)
        => !(HttpMethodsSafe.Contains(method));

    private static readonly HashSet<string> HttpMethodsSafe = new(StringComparer.OrdinalIgnoreCase) { "GET", "HEAD", "OPTIONS", "TRACE" };

    /// <summary>The audit action of a security event.</summary>
    public static string ActionOf(RequestAuditKind kind) => kind switch
    {
        RequestAuditKind.Unauthenticated => "security.unauthenticated",
        RequestAuditKind.Forbidden => "security.forbidden",
        RequestAuditKind.CrossAgency => "security.cross-agency",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a security event."),
    };

    /// <summary>The kind tag of the security-event counter.</summary>
    public static string TagOf(RequestAuditKind kind) => kind switch
    {
        RequestAuditKind.Unauthenticated => "unauthenticated",
        RequestAuditKind.Forbidden => "forbidden",
        RequestAuditKind.CrossAgency => "cross-agency",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a security event."),
    };
}
