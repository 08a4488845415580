using Microsoft.AspNetCore.Http;

namespace Procedures.Messaging.Audit;

/// <summary>
/// Per-request feature: whether the handler appended an audit entry of its own (set by <see cref="AuditLog.AppendAsync"/>
/// through the actor <see cref="AuditActor.FromRequest"/> made), and whether authorization refused the request for a
/// missing scope. The request's audit recorder (ServiceDefaults/Audit) reads both once the answer is known.
/// </summary>
public sealed class RequestAuditMark
{
    public bool Appended { get; set; }

    /// <summary>Authorization forbade the request (an authenticated caller without the operation's scope).</summary>
    public bool Forbidden { get; set; }

    /// <summary>The request's mark, created on first use.</summary>
    public static RequestAuditMark Of(HttpContext http)
    {
        if (http.Features.Get<RequestAuditMark>() is { } mark) return mark;
        mark = new RequestAuditMark();
        http.Features.Set(mark);
        return mark;
    }
}
