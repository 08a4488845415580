using Procedures.Contracts;

namespace Procedures.PortalSync.Portal;

/// <summary>Builds the portal's HoSoDongBoDVC record and QuaTrinhXuLy rows (field names as in DOMAIN.md).</summary>
public static class PortalPayload
{
    public sealed record DossierFacts(string Code, string ProcedureCode, string ReceivingUnit, short Channel,
        string ApplicantName, DateTimeOffset SubmittedAt, short? ApplicantKind = null, string? ApplicantIdNumber = null,
        string? Phone = null, string? Email = null, bool? VneidLevel2 = null, string? DecidingAgency = null, string? Summary = null,
        IReadOnlyList<SubmittedDocument>? Documents = null);

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
        ["LoaiDoiTuong"] = d.ApplicantKind,
        ["SoGiayToChuHoSo"] = d.ApplicantIdNumber,
        ["DinhDanhCHS"] = d.ApplicantIdNumber is null ? null : new[]
        {
            // LoaiDinhDanh: 1 personal identification number (CCCD), 2 enterprise tax code.
            new Dictionary<string, object?> { ["LoaiDinhDanh"] = d.ApplicantKind == 2 ? 2 : 1, ["SoDinhDanh"] = d.ApplicantIdNumber },
        },
        ["SoDienThoai"] = d.Phone,
        ["Email"] = d.Email,
        ["TaiKhoanDuocXacThucVoiVNeID"] = d.VneidLevel2 is null ? null : d.VneidLevel2.Value ? 1 : 0,
        ["DonViXuLy"] = d.DecidingAgency,
        ["TrichYeuHoSo"] = d.Summary,
        ["HoSoCoThanhPhanSoHoa"] = d.Documents is { Count: > 0 } docs && docs.Any(x => x.Digitised) ? 1 : 0,
        ["TaiLieuNop"] = (d.Documents ?? []).Select(x => new Dictionary<string, object?>
        {
            ["TepDinhKemId"] = x.DocumentId?.ToString(),
            ["TenTepDinhKem"] = x.FileName,
            ["MaThanhPhanHoSo"] = x.ComponentCode,
            ["DuocSoHoa"] = x.Digitised ? 1 : 0,
            ["DuocTaiSuDung"] = x.Reused ? 1 : 0,
            ["DuocLayTuKhoDMQG"] = x.FromCitizenStore ? 1 : 0,
        }).ToList(),
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
