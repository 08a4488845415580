using Procedures.Contracts;

namespace Procedures.PortalSync.Portal;

/// <summary>Builds the portal's HoSoDongBoDVC record and QuaTrinhXuLy rows (field names as in DOMAIN.md).</summary>
public static class PortalPayload
{
    public sealed record DossierFacts(string Code, string ProcedureCode, string ReceivingUnit, short Channel,
        string ApplicantName, DateTimeOffset SubmittedAt);

    public sealed record StatusEvent(long Sequence, short Status, DateTimeOffset OccurredAt, string? Content, string? TraceParent = null);

    public static Dictionary<string, object?> Record(DossierFacts d, StatusEvent latest) => new()
    {
        ["MaHoSo"] = d.Code,
        ["MaTTHC"] = d.ProcedureCode,
        ["KenhThucHien"] = d.Channel,
        ["ChuHoSo"] = d.ApplicantName,
        ["NgayNopHoSo"] = d.SubmittedAt.ToPortalTimestamp(),
        ["NoiNopHoSo"] = d.ReceivingUnit,
        ["TrangThaiHoSo"] = latest.Status,
    };

    public static Dictionary<string, object?> History(string code, IEnumerable<StatusEvent> events) => new()
    {
        ["MaHoSo"] = code,
        ["QuaTrinhXuLy"] = events.Select(e => new Dictionary<string, object?>
        {
            ["MaHoSo"] = code,
            ["ThoiDiemXuLy"] = e.OccurredAt.ToPortalTimestamp(),
            ["NoiDungXuLy"] = e.Content,
            ["TrangThai"] = e.Status,
        }).ToList(),
    };
}
