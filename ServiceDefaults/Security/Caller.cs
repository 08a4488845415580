using System.Security.Claims;

namespace Procedures.ServiceDefaults.Security;

/// <summary>
/// Who is calling, from a validated token: the client, its agency, its scopes, and whether that agency sees
/// every agency's dossiers (the city's control office). Queries put <see cref="Agency"/> in their WHERE.
/// </summary>
public sealed record Caller(string ClientId, string Agency, IReadOnlySet<string> Scopes, bool SeesAllAgencies)
{
    public const string AgencyClaim = "agency";
    public const string ScopeClaim = "scope";
    public const string ClientIdClaim = "client_id";

    public bool Has(string scope) => Scopes.Contains(scope);

    public static Caller From(ClaimsPrincipal user, IReadOnlySet<string> allAgencyIds)
    {
        var agency = user.FindFirst(AgencyClaim)?.Value ?? "";
        var clientId = user.FindFirst(ClientIdClaim)?.Value ?? user.FindFirst("sub")?.Value ?? "";
        return new Caller(clientId, agency, ScopesOf(user), agency.Length > 0 && allAgencyIds.Contains(agency));
    }

    /// <summary>RFC 8693 §4.2: "scope" is one space-separated string (some issuers send one claim per scope).</summary>
    public static IReadOnlySet<string> ScopesOf(ClaimsPrincipal user)
        => user.FindAll(ScopeClaim).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
}
