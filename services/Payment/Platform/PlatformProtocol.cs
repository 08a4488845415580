using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

// The one definition of the national payment platform's wire format (docs/domain.md#national-payment-platform):
// compiled into Payment and linked into the sandbox, which plays the platform. The namespace follows the project
// so a test referencing both sees two distinct types.
#if PAYMENT_PLATFORM_SANDBOX
namespace Procedures.Sandbox.Payment;
#else
namespace Procedures.Payment.Platform;
#endif

/// <summary>
/// Message types, field orders and the checksum of the payment platform. MaXacThuc is the lowercase hex SHA-256 (UTF-8)
/// of the signed fields joined by "|", in their order, with the partner secret as the last element. INIT, QUERY and
/// GET_BILL are the platform's; the callback's field list is not public and LIST (transactions of a day) and REFUND
/// are defined here in the same style.
/// </summary>
public static class PlatformProtocol
{
    public const string Version = "1.0.6";
    public const string Init = "INIT";
    public const string Query = "QUERY";
    public const string GetBill = "GET_BILL";
    public const string List = "LIST";
    public const string Refund = "REFUND";

    public const string Checksum = "MaXacThuc";

    /// <summary>Platform result code (MaLoi) of a successful payment; anything else is a failure.</summary>
    public const string Success = "00";
    public const string Declined = "01";
    public const string Abandoned = "24";

    /// <summary>Transaction states at the platform.</summary>
    public const string Created = "created";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Refunded = "refunded";

    public static readonly IReadOnlyList<string> InitFields =
    [
        "LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan", "MaKenhThanhToan", "MaThietBi",
        "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich", "ThoiGianGD", "Ip",
    ];

    public static readonly IReadOnlyList<string> QueryFields = ["LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD"];
    public static readonly IReadOnlyList<string> RefundFields = ["LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "ThoiGianGD"];
    public static readonly IReadOnlyList<string> ListFields = ["LoaiBanTin", "PhienBan", "MaDoiTac", "NgayGD", "ThoiGianGD"];
    public static readonly IReadOnlyList<string> CallbackFields = ["MaThamChieu", "MaGiaoDich", "SoTien", "MaLoi", "ThoiGianGD"];

    /// <summary>The signed fields of a request message, by its LoaiBanTin; null for an unknown type.</summary>
    public static IReadOnlyList<string>? FieldsOf(string? messageType) => messageType switch
    {
        Init => InitFields,
        Query or GetBill => QueryFields,
        Refund => RefundFields,
        List => ListFields,
        _ => null,
    };

    /// <summary>MaXacThuc over <paramref name="values"/> (already in field order) and the secret.</summary>
    public static string ComputeChecksum(IEnumerable<string> values, string secret)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", values.Append(secret)))));

    /// <summary>MaXacThuc of a message: its <paramref name="fields"/> read as text (a missing field counts as empty).</summary>
    public static string ChecksumOf(JsonObject message, IReadOnlyList<string> fields, string secret)
        => ComputeChecksum(fields.Select(f => TextOf(message, f) ?? ""), secret);

    /// <summary>Adds MaXacThuc to <paramref name="message"/> and returns it.</summary>
    public static JsonObject Sign(JsonObject message, IReadOnlyList<string> fields, string secret)
    {
        message[Checksum] = ChecksumOf(message, fields, secret);
        return message;
    }

    /// <summary>True when every signed field is present and MaXacThuc matches (compared in constant time).</summary>
    public static bool Verify(JsonObject message, IReadOnlyList<string> fields, string secret)
    {
        if (TextOf(message, Checksum) is not { Length: 64 } given || fields.Any(f => TextOf(message, f) is null)) return false;
        var expected = ChecksumOf(message, fields, secret);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given.ToLowerInvariant()));
    }

    /// <summary>A field as text: strings as they are, numbers by their JSON text; null when absent or not a scalar.</summary>
    public static string? TextOf(JsonObject message, string field) => message[field] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    /// <summary>MaThamChieu: the dossier code without punctuation followed by a yyyyMMddHHmmss Vietnam-time timestamp.</summary>
    public static string Reference(string dossierCode, DateTimeOffset at)
        => string.Concat(dossierCode.Where(char.IsAsciiLetterOrDigit)) + Timestamp(at);

    /// <summary>ThoiGianGD: yyyyMMddHHmmss in Vietnam time (UTC+7, no daylight saving).</summary>
    public static string Timestamp(DateTimeOffset at)
        => at.ToOffset(TimeSpan.FromHours(7)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    public static bool TryParseTimestamp(string? text, out DateTimeOffset at)
    {
        at = default;
        if (!DateTime.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return false;
        at = new DateTimeOffset(local, TimeSpan.FromHours(7));
        return true;
    }

    /// <summary>Whole VND as the platform writes it: digits only, no separators.</summary>
    public static string Amount(long vnd) => vnd.ToString(CultureInfo.InvariantCulture);

    public static bool TryParseAmount(string? text, out long vnd)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out vnd) && vnd > 0;
}
