using System.Globalization;
using System.Text.Json.Nodes;

namespace Procedures.Sandbox.Portal;

/// <summary>
/// What the stand-in portal checks before it accepts a sync call, as the real one answers a bad payload: an error code
/// other than "0" and the reason. Kept apart from our own services' rules on purpose: it plays the external system.
/// </summary>
public static class PortalRules
{
    private static readonly string[] DateFields = ["NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi"];

    /// <summary>TrangThaiHoSo transitions (the portal's published status table).</summary>
    private static readonly Dictionary<int, int[]> Next = new()
    {
        [1] = [2, 3], [2] = [4, 7], [4] = [5, 6, 8, 9, 7], [5] = [4, 8, 3], [6] = [4], [9] = [10],
    };

    /// <summary>A sync may carry several steps at once: the new status must be reachable from the one the portal holds.</summary>
    public static bool Reachable(int from, int to)
    {
        if (from == to) return true; // same status, new facts (e.g. an apology's new appointment date)
        var seen = new HashSet<int> { from };
        var frontier = new Queue<int>([from]);
        while (frontier.TryDequeue(out var s))
            foreach (var n in Next.GetValueOrDefault(s, []))
            {
                if (n == to) return true;
                if (seen.Add(n)) frontier.Enqueue(n);
            }
        return false;
    }

    /// <summary>What a record must carry: the dossier, its procedure and field (MaLinhVuc, TenLinhVuc), status, channel, applicant, place.</summary>
    public static readonly string[] RequiredRecordFields =
        ["MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "NgayNopHoSo", "TrangThaiHoSo", "KenhThucHien", "ChuHoSo", "NoiNopHoSo"];

    public static string? ValidateRecord(JsonObject body)
    {
        foreach (var field in RequiredRecordFields)
            if (body[field] is null || body[field]!.ToString().Length == 0) return $"{field} là bắt buộc / {field} is required";
        foreach (var field in DateFields)
            if (body[field] is { } value && !IsTimestamp(value.ToString()))
                return $"{field} phải có dạng yyyyMMddHHmmss / {field} must be yyyyMMddHHmmss";
        if (!Int(body["TrangThaiHoSo"], out var status) || status is < 1 or > 10)
            return "TrangThaiHoSo phải từ 1 đến 10 / TrangThaiHoSo must be 1–10";
        if (!Int(body["KenhThucHien"], out var channel) || channel is < 1 or > 3)
            return "KenhThucHien phải là 1, 2 hoặc 3 / KenhThucHien must be 1, 2 or 3";
        if (body["DuocThanhToanTrucTuyen"] is { } paid && (!Int(paid, out var p) || p is not (1 or 2)))
            return "DuocThanhToanTrucTuyen phải là 1 hoặc 2 / DuocThanhToanTrucTuyen must be 1 or 2";
        if (status >= 2 && status != 3 && body["NgayHenTra"] is null)
            return "Hồ sơ đã tiếp nhận phải có NgayHenTra / A received dossier needs NgayHenTra";
        return null;
    }

    public static string? ValidateHistory(JsonObject body)
    {
        if (body["QuaTrinhXuLy"] is not JsonArray rows) return "QuaTrinhXuLy là bắt buộc / QuaTrinhXuLy is required";
        foreach (var row in rows)
        {
            if (row is not JsonObject r) return "QuaTrinhXuLy phải là danh sách đối tượng / QuaTrinhXuLy must hold objects";
            if (r["ThoiDiemXuLy"] is not { } at || !IsTimestamp(at.ToString()))
                return "ThoiDiemXuLy phải có dạng yyyyMMddHHmmss / ThoiDiemXuLy must be yyyyMMddHHmmss";
            if (!Int(r["TrangThai"], out var s) || s is < 1 or > 10) return "TrangThai phải từ 1 đến 10 / TrangThai must be 1–10";
        }
        return null;
    }

    public static bool IsTimestamp(string text)
        => DateTime.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    public static bool Int(JsonNode? node, out int value)
    {
        value = 0;
        return node is JsonValue v && (v.TryGetValue(out value) || v.TryGetValue<string>(out var s) && int.TryParse(s, out value));
    }
}
