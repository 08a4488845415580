using System.Text.Json.Nodes;
using Procedures.Sandbox.Portal;

namespace Procedures.Services.Tests;

/// <summary>The stand-in portal's checks: what it refuses is what PortalSync must handle as a rejection.</summary>
[Trait("Kind", "Pure")]
public sealed class PortalRulesTests
{
    [Theory]
    [InlineData(1, 2, true)]
    [InlineData(1, 4, true)]    // received and started in one sync: several steps at once
    [InlineData(2, 10, true)]
    [InlineData(4, 4, true)]    // same status, new facts (an apology)
    [InlineData(5, 3, true)]
    [InlineData(4, 2, false)]   // never backwards
    [InlineData(10, 9, false)]
    [InlineData(3, 4, false)]   // refused is final
    [InlineData(9, 5, false)]
    [InlineData(6, 10, true)]
    public void A_status_must_be_reachable_from_the_one_the_portal_holds(int from, int to, bool reachable)
        => Assert.Equal(reachable, PortalRules.Reachable(from, to));

    private static JsonObject Valid() => new()
    {
        ["MaHoSo"] = "X-1", ["MaTTHC"] = "1.003677", ["TenTTHC"] = "Thủ tục đăng ký tạm trú", ["MaLinhVuc"] = "BCA-CUTRU",
        ["TenLinhVuc"] = "Đăng ký, quản lý cư trú", ["NgayNopHoSo"] = "20261207090000", ["TrangThaiHoSo"] = 2, ["KenhThucHien"] = 2,
        ["ChuHoSo"] = "Võ Thị Em", ["NoiNopHoSo"] = "26740.H29", ["NgayHenTra"] = "20261210170000",
    };

    [Fact]
    public void A_complete_record_passes()
        => Assert.Null(PortalRules.ValidateRecord(Valid()));

    [Theory]
    [InlineData("ChuHoSo", null, "ChuHoSo")]
    [InlineData("MaLinhVuc", null, "MaLinhVuc is required")]
    [InlineData("TenLinhVuc", null, "TenLinhVuc is required")]
    [InlineData("TenTTHC", null, "TenTTHC is required")]
    [InlineData("NgayHenTra", "2026-12-10", "NgayHenTra must be yyyyMMddHHmmss")]
    [InlineData("NgayHenTra", null, "needs NgayHenTra")]
    [InlineData("KenhThucHien", 4, "KenhThucHien must be")]
    [InlineData("TrangThaiHoSo", 11, "TrangThaiHoSo must be")]
    [InlineData("DuocThanhToanTrucTuyen", 3, "DuocThanhToanTrucTuyen must be")]
    public void A_record_with_a_missing_or_malformed_field_is_refused_naming_it(string field, object? value, string reason)
    {
        var record = Valid();
        record[field] = value is null ? null : JsonValue.Create(value);
        if (value is null) record.Remove(field);
        Assert.Contains(reason, PortalRules.ValidateRecord(record));
    }

    [Fact]
    public void History_rows_need_a_timestamp_and_a_status()
    {
        Assert.Null(PortalRules.ValidateHistory(new JsonObject { ["QuaTrinhXuLy"] = new JsonArray(new JsonObject { ["ThoiDiemXuLy"] = "20261207090000", ["TrangThai"] = 1 }) }));
        Assert.NotNull(PortalRules.ValidateHistory(new JsonObject { ["QuaTrinhXuLy"] = new JsonArray(new JsonObject { ["ThoiDiemXuLy"] = "x", ["TrangThai"] = 1 }) }));
        Assert.NotNull(PortalRules.ValidateHistory(new JsonObject()));
    }
}
