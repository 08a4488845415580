using System.Net;

namespace Procedures.TestInfrastructure;

/// <summary>
/// Processing's answer to an action on a dossier whose submission it has not recorded yet: 409 <c>not-yet-recorded</c>
/// with Retry-After. Tests that act right after submitting wait while this is the answer.
/// </summary>
public static class ProcessingAnswer
{
    public static bool NotYetRecorded(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.Conflict && response.Headers.RetryAfter is not null;
}
