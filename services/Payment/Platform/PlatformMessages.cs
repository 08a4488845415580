using System.Globalization;
using System.Text.Json.Nodes;

namespace Procedures.Payment.Platform;

/// <summary>What INIT needs to know of a payment and its dossier.</summary>
public sealed record InitRequest(string Reference, long AmountVnd, DateTimeOffset RequestedAt, string DossierCode, string ProcedureCode,
    string ReceivingUnit, string ApplicantName, IReadOnlyList<Contracts.DossierFee> Fees);

/// <summary>
/// Builds the platform's messages, pure (no I/O, time given). Every message carries LoaiBanTin, PhienBan and MaDoiTac
/// and is signed over its type's field order (<see cref="PlatformProtocol"/>).
/// </summary>
public static class PlatformMessages
{
    public static JsonObject Init(InitRequest r, string partnerCode, string secret, string serverIp = "127.0.0.1")
    {
        var content = $"Nộp phí, lệ phí hồ sơ {r.DossierCode}";
        var message = Header(PlatformProtocol.Init, partnerCode);
        message["MaThamChieu"] = r.Reference;
        message["SoTien"] = PlatformProtocol.Amount(r.AmountVnd);
        message["LoaiHinhThanhToan"] = "PAY";
        message["MaKenhThanhToan"] = "WEB";
        message["MaThietBi"] = "DESKTOP";
        message["NgonNgu"] = "vi";
        message["MaTienTe"] = "VND";
        message["MaNganHang"] = "";
        message["ThongTinGiaoDich"] = content;
        // The request's own time, not the sending time: a retried INIT is the same message, and both sides
        // file the transaction under the same day.
        message["ThoiGianGD"] = PlatformProtocol.Timestamp(r.RequestedAt);
        message["Ip"] = serverIp;
        message["ThongTinBienLai"] = new JsonObject
        {
            ["MaTTHC"] = r.ProcedureCode,
            ["TenTTHC"] = r.ProcedureCode,
            ["MaDVC"] = r.ProcedureCode + ".01",
            ["MaDonVi"] = r.ReceivingUnit,
            ["TenDonVi"] = r.ReceivingUnit,
            ["MaHoSo"] = r.DossierCode,
            ["HoTenNguoiNop"] = r.ApplicantName,
            ["SoCMNDNguoiNop"] = "", // the ID number never leaves Payment (it never has it): the receipt names the payer
            ["DiaChiNguoiNop"] = "",
            ["NoiDungThanhToan"] = content,
            ["PhiLePhi"] = new JsonArray(r.Fees.Select(f => (JsonNode)new JsonObject
            {
                ["MaPhiLePhi"] = f.Code, ["TenPhiLePhi"] = f.Name, ["SoTien"] = PlatformProtocol.Amount(f.AmountVnd),
            }).ToArray()),
            ["DSKhoanNop"] = new JsonArray(r.Fees.Select(f => (JsonNode)new JsonObject
            {
                ["NoiDung"] = f.Name, ["SoTien"] = PlatformProtocol.Amount(f.AmountVnd),
            }).ToArray()),
        };
        return PlatformProtocol.Sign(message, PlatformProtocol.InitFields, secret);
    }

    /// <summary>QUERY (status check) or GET_BILL (receipt) of one transaction.</summary>
    public static JsonObject About(string type, string reference, DateTimeOffset now, string partnerCode, string secret)
    {
        var message = Header(type, partnerCode);
        message["MaThamChieu"] = reference;
        message["ThoiGianGD"] = PlatformProtocol.Timestamp(now);
        return PlatformProtocol.Sign(message, PlatformProtocol.QueryFields, secret);
    }

    public static JsonObject Refund(string reference, long amountVnd, DateTimeOffset now, string partnerCode, string secret)
    {
        var message = Header(PlatformProtocol.Refund, partnerCode);
        message["MaThamChieu"] = reference;
        message["SoTien"] = PlatformProtocol.Amount(amountVnd);
        message["ThoiGianGD"] = PlatformProtocol.Timestamp(now);
        return PlatformProtocol.Sign(message, PlatformProtocol.RefundFields, secret);
    }

    /// <summary>LIST: the platform's transactions of one Vietnam-time day.</summary>
    public static JsonObject List(DateOnly day, DateTimeOffset now, string partnerCode, string secret)
    {
        var message = Header(PlatformProtocol.List, partnerCode);
        message["NgayGD"] = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        message["ThoiGianGD"] = PlatformProtocol.Timestamp(now);
        return PlatformProtocol.Sign(message, PlatformProtocol.ListFields, secret);
    }

    private static JsonObject Header(string type, string partnerCode) => new()
    {
        ["LoaiBanTin"] = type,
        ["PhienBan"] = PlatformProtocol.Version,
        ["MaDoiTac"] = partnerCode,
    };
}
