using Procedures.Contracts;
using Procedures.PortalSync.Portal;

namespace Procedures.PortalSync.Ledger;

/// <summary>A queued result claimed for the citizen's data store, with its owner (the applicant's identity).</summary>
public sealed record CitizenPush(string DossierCode, string ResultCode, string Name, string? FileReference, DateTimeOffset ReturnedAt,
    int Attempts, string Owner, short? OwnerKind);

/// <summary>What the ledger store writes to a push after the portal answered.</summary>
public abstract record PushChange(string DossierCode, string ResultCode, DateTimeOffset At, string? Error);

/// <summary>The store holds it: <see cref="Stored"/> commits with the acknowledgement.</summary>
public sealed record PushStored(string DossierCode, string ResultCode, DateTimeOffset At, ResultStoredForCitizen Stored)
    : PushChange(DossierCode, ResultCode, At, null);

/// <summary>Refused for its content: needs a person, not a retry.</summary>
public sealed record PushRejected(string DossierCode, string ResultCode, DateTimeOffset At, string Error) : PushChange(DossierCode, ResultCode, At, Error);

/// <summary>Transient failure: due again after <paramref name="Delay"/>.</summary>
public sealed record PushPostponed(string DossierCode, string ResultCode, DateTimeOffset At, string Error, TimeSpan Delay)
    : PushChange(DossierCode, ResultCode, At, Error);

/// <summary>
/// The citizen-store pushes' rules, pure: the call (one idempotency key per dossier and result, so a retry after a lost
/// acknowledgement is a no-op at the store) and how the portal's answer lands, with the dossier sync's backoff.
/// </summary>
public static class CitizenStorePlanner
{
    public static PortalRequest Request(CitizenPush push) => new("citizen-store", new Dictionary<string, object?>
    {
        ["MaHoSo"] = push.DossierCode, ["LoaiDoiTuong"] = push.OwnerKind, ["SoGiayToChuHoSo"] = push.Owner,
        ["MaGiayToKetQua"] = push.ResultCode, ["TenGiayTo"] = push.Name, ["DuongDanTepTinKetQua"] = push.FileReference,
        ["NgayCap"] = push.ReturnedAt.ToPortalTimestamp(),
    }, $"{push.DossierCode}:{push.ResultCode}:citizen-store");

    public static PushChange Read(CitizenPush push, PortalAnswer answer, DateTimeOffset now, TimeSpan maxBackoff, double random)
    {
        if (answer.Accepted) return new PushStored(push.DossierCode, push.ResultCode, now, new ResultStoredForCitizen(push.DossierCode, push.ResultCode, now));
        var error = $"{answer.ErrorCode}: {answer.Message}";
        return answer.IsRejection
            ? new PushRejected(push.DossierCode, push.ResultCode, now, error)
            : new PushPostponed(push.DossierCode, push.ResultCode, now, error, Messaging.Backoff.FullJitter(push.Attempts, maxBackoff, random));
    }
}
