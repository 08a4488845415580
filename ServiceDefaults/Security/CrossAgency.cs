using Microsoft.AspNetCore.Http;

namespace Procedures.ServiceDefaults.Security;

/// <summary>
/// A request that named another agency's resource and was refused (answered like an unknown resource, 404, or as not
/// the caller's, 403). The handler only marks it; the service's security-event recorder (Messaging's audit middleware)
/// writes the event to the audit log and counts it once the answer is known, so a refusal never waits on, or fails
/// with, the audit write.
/// </summary>
public sealed record CrossAgencyRefusal(string Resource, string? OwnerAgency);

public static class CrossAgency
{
    /// <summary>Marks this request as a refused cross-agency attempt on <paramref name="resource"/> (a code, an id).</summary>
    public static void Refused(HttpContext http, string resource, string? ownerAgency = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Features.Set(new CrossAgencyRefusal(resource, ownerAgency));
    }

    /// <summary>The refusal marked on this request, if any.</summary>
    public static CrossAgencyRefusal? RefusalOf(HttpContext http) => http.Features.Get<CrossAgencyRefusal>();
}
