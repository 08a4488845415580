using Microsoft.AspNetCore.Http.HttpResults;
using Procedures.Contracts;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// Processing learns of a dossier from Intake's DossierSubmitted, a moment after Intake answered the submission with its
/// code. A desk that acts on the code at once (0 ms later) must hear "not yet, retry" rather than "unknown". Which misses
/// are "not yet" is decided from the code alone, so the answer tells a caller nothing it did not know: the code must be
/// well formed, issued by the caller's own receiving unit (its prefix; an agency that sees all agencies may name any), and
/// issued today or yesterday (Vietnam dates: a code issued just before midnight keeps its grace). Anything else — another
/// agency's code, an old or malformed one — stays the 404 of an unknown dossier, exactly as before.
/// </summary>
public static class NotYetRecorded
{
    public const string ProblemType = "not-yet-recorded";

    /// <summary>Seconds a client should wait before retrying (the submission event normally lands well within it).</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>Whether a miss on <paramref name="code"/> may be a dossier still in flight from Intake (see the type's summary).</summary>
    public static bool Applies(string code, string? callerAgency, bool seesAllAgencies, DateTimeOffset now)
    {
        if (!DossierCode.TryParse(code, out var parsed)) return false;
        if (!seesAllAgencies && parsed.Value.ReceivingUnit != callerAgency) return false;
        var today = now.VietnamDate();
        return parsed.Value.IssuedOn == today || parsed.Value.IssuedOn == today.AddDays(-1);
    }

    /// <summary>The retryable 409 (with Retry-After) when <see cref="Applies"/>; null when the miss is answered as unknown.</summary>
    public static ProblemHttpResult? Problem(string code, Caller caller, DateTimeOffset now, HttpContext http)
    {
        if (!Applies(code, caller.Agency, caller.SeesAllAgencies, now)) return null;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = Problems.Create(StatusCodes.Status409Conflict, ProblemType, "Hồ sơ chưa được ghi nhận tại bộ phận xử lý, vui lòng thử lại",
            "The dossier is not recorded by Processing yet (its submission is on the way); retry shortly");
        problem.Extensions["retryAfterSeconds"] = RetryAfterSeconds;
        return Problems.Result(problem);
    }
}
