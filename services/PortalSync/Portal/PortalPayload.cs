using Procedures.Contracts;

namespace Procedures.PortalSync.Portal;

/// <summary>Builds the portal's HoSoDongBoDVC record and QuaTrinhXuLy rows (field names: docs/domain.md#national-portal-sync).</summary>
public static class PortalPayload
{
    public sealed record DossierFacts(string Code, string ProcedureCode, string ReceivingUnit, short Channel,
        string ApplicantName, DateTimeOffset SubmittedAt, short? ApplicantKind = null, string? ApplicantIdNumber = null,
        string? Phone = null, string? Email = null, bool? VneidLevel2 = null, string? DecidingAgency = null, string? Summary = null,
        IReadOnlyList<SubmittedDocument>? Documents = null, string? ProcedureName = null, IReadOnlyList<DossierFee>? Fees = null,
        string? FieldCode = null, string? FieldName = null);

    /// <summary>A status event as PortalSync keeps it; <see cref="Facts"/> is the whole DossierStatusChanged (absent on old rows).</summary>
    public sealed record StatusEvent(long Sequence, short Status, DateTimeOffset OccurredAt, string? Content, string? TraceParent = null,
        DossierStatusChanged? Facts = null);

    /// <summary>
    /// The record as of <paramref name="latest"/>; <paramref name="history"/> is every event up to it, for the dates that
    /// belong to earlier steps (end of processing, return, refusal).
    /// </summary>
    public static Dictionary<string, object?> Record(DossierFacts d, StatusEvent latest, IReadOnlyList<StatusEvent>? history = null)
    {
        var steps = (history ?? [latest]).Where(e => e.Sequence <= latest.Sequence).ToList();
        var facts = latest.Facts;
        DateTimeOffset? FirstAt(params DossierStatus[] statuses) => statuses
            .Select(s => steps.FirstOrDefault(e => e.Status == (short)s)?.OccurredAt).FirstOrDefault(t => t is not null);
        return new()
        {
            ["MaHoSo"] = d.Code,
            ["MaTTHC"] = d.ProcedureCode,
            ["TenTTHC"] = d.ProcedureName,
            ["MaLinhVuc"] = d.FieldCode,
            ["TenLinhVuc"] = d.FieldName,
            ["KenhThucHien"] = d.Channel,
            ["ChuHoSo"] = d.ApplicantName,
            ["NgayNopHoSo"] = d.SubmittedAt.ToPortalTimestamp(),
            ["NoiNopHoSo"] = d.ReceivingUnit,
            ["TrangThaiHoSo"] = latest.Status,
            ["NgayTiepNhan"] = facts?.ReceivedAt?.ToPortalTimestamp(),
            ["NgayHenTra"] = facts?.AppointmentAt?.ToPortalTimestamp(),
            ["NgayKetThucXuLy"] = DossierStatusRules.EndOfProcessing(steps, e => (DossierStatus)e.Status, e => e.Sequence)?.OccurredAt
                .ToPortalTimestamp(),
            ["NgayTra"] = FirstAt(DossierStatus.Returned)?.ToPortalTimestamp(),
            ["NgayTuChoi"] = FirstAt(DossierStatus.Refused)?.ToPortalTimestamp(),
            ["HinhThuc"] = facts?.ReturnChannel is { } channel ? (int)channel : null,
            ["DuocThanhToanTrucTuyen"] = facts?.PaidOnline,
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
            ["DanhSachLePhi"] = (d.Fees ?? []).Select(f => new Dictionary<string, object?>
            {
                ["TenPhiLePhi"] = f.Name, ["MaPhiLePhi"] = f.Code, ["Gia"] = f.AmountVnd,
            }).ToList(),
            ["DanhSachHoSoBoSung"] = (facts?.Supplements ?? []).Select(s => new Dictionary<string, object?>
            {
                ["NgayBoSung"] = s.RequestedAt.ToPortalTimestamp(),
                ["NgayTiepNhanBoSung"] = s.ReceivedAt?.ToPortalTimestamp(),
                ["NgayHenTraTruoc"] = s.PreviousAppointmentAt?.ToPortalTimestamp(),
                ["NgayHenTraMoi"] = s.NewAppointmentAt?.ToPortalTimestamp(),
            }).ToList(),
            ["DanhSachGiayToKetQua"] = (facts?.Results ?? []).Select(r => new Dictionary<string, object?>
            {
                ["TenGiayTo"] = r.Name, ["MaGiayToKetQua"] = r.ElectronicResultCode, ["DuongDanTepTinKetQua"] = r.FileReference,
            }).ToList(),
        };
    }

    /// <summary>QuaTrinhXuLy rows: who did what, when, and the step's legal end (the appointment date then in force).</summary>
    public static Dictionary<string, object?> History(string code, IEnumerable<StatusEvent> events) => new()
    {
        ["MaHoSo"] = code,
        ["QuaTrinhXuLy"] = events.Select(e => new Dictionary<string, object?>
        {
            ["MaHoSo"] = code,
            ["NguoiXuLy"] = e.Facts?.Actor,
            ["ChucDanh"] = e.Facts?.Role,
            ["PhongBanXuLy"] = e.Facts?.Department,
            ["ThoiDiemXuLy"] = e.OccurredAt.ToPortalTimestamp(),
            // A form-02 step keeps status 1: its content says what it was, and its legal end is the completion due date.
            ["NoiDungXuLy"] = e.Facts?.CompletionRequest is null ? e.Content : $"{DossierCompletionRequest.TitleVi}: {e.Content}",
            ["TrangThai"] = e.Status,
            ["NgayBatDau"] = e.OccurredAt.ToPortalTimestamp(),
            ["NgayKetThucTheoQuyDinh"] = (e.Facts is { } f ? DossierCompletionRequest.StepLegalEnd(f) : null)?.ToPortalTimestamp(),
        }).ToList(),
    };
}
