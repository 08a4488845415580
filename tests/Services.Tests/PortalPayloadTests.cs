using System.Text.Json;
using Procedures.PortalSync.Portal;

namespace Procedures.Services.Tests;

[Trait("Kind", "Pure")]
public sealed class PortalPayloadTests
{
    // docs/domain.md#national-portal-sync: HoSoDongBoDVC and QuaTrinhXuLy field names.
    private static readonly HashSet<string> RecordFields =
    [
        "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "ChuHoSo", "SoGiayToChuHoSo", "LoaiDoiTuong",
        "Email", "SoDienThoai", "TrichYeuHoSo", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo", "NgayKetThucXuLy",
        "NgayTra", "HinhThuc", "DonViXuLy", "NoiNopHoSo", "HoSoCoThanhPhanSoHoa", "TaiKhoanDuocXacThucVoiVNeID",
        "DuocThanhToanTrucTuyen", "NgayTuChoi", "DinhDanhCHS", "TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung",
        "DanhSachGiayToKetQua",
    ];

    private static readonly HashSet<string> HistoryFields =
    [
        "MaHoSo", "NguoiXuLy", "ChucDanh", "ThoiDiemXuLy", "PhongBanXuLy", "NoiDungXuLy", "TrangThai", "NgayBatDau",
        "NgayKetThucTheoQuyDinh",
    ];

    private static readonly PortalPayload.DossierFacts Facts = new(
        "38.98.H29-251129-0003", "1.000948.H29", "38.98.H29", 2, "Trần Thị Bình",
        new DateTimeOffset(2025, 11, 28, 17, 30, 15, TimeSpan.Zero), ProcedureName: "Thủ tục đăng ký khai sinh", FieldCode: "BTP-HOTICH",
        FieldName: "Hộ tịch");

    [Fact]
    public void Record_carries_the_dossier_facts_under_the_portal_field_names()
    {
        var latest = new PortalPayload.StatusEvent(4, 4, new DateTimeOffset(2025, 12, 1, 2, 0, 0, TimeSpan.Zero), "Đang xử lý");

        var record = PortalPayload.Record(Facts, latest);

        Assert.Subset(RecordFields, record.Keys.ToHashSet());
        Assert.Equal("38.98.H29-251129-0003", record["MaHoSo"]);
        Assert.Equal("1.000948.H29", record["MaTTHC"]);
        Assert.Equal((short)2, record["KenhThucHien"]);
        Assert.Equal("Trần Thị Bình", record["ChuHoSo"]);
        Assert.Equal("38.98.H29", record["NoiNopHoSo"]);
        Assert.Equal((short)4, record["TrangThaiHoSo"]);
        Assert.Equal(("BTP-HOTICH", "Hộ tịch"), (record["MaLinhVuc"], record["TenLinhVuc"]));
    }

    [Fact]
    public void The_stand_in_portal_refuses_a_record_without_the_procedure_s_field_and_takes_one_with_it()
    {
        var latest = new PortalPayload.StatusEvent(1, 1, Facts.SubmittedAt, null);
        static System.Text.Json.Nodes.JsonObject Json(Dictionary<string, object?> record)
            => System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(record, JsonSerializerOptions.Web))!.AsObject();

        Assert.Null(Procedures.Sandbox.Portal.PortalRules.ValidateRecord(Json(PortalPayload.Record(Facts, latest))));
        Assert.Contains("MaLinhVuc is required",
            Procedures.Sandbox.Portal.PortalRules.ValidateRecord(Json(PortalPayload.Record(Facts with { FieldCode = null }, latest))));
    }

    [Fact]
    public void Record_submission_date_is_a_portal_timestamp_in_Vietnam_time()
    {
        var record = PortalPayload.Record(Facts, new PortalPayload.StatusEvent(1, 1, Facts.SubmittedAt, null));

        // 17:30:15 UTC on 28 Nov is 00:30:15 on 29 Nov in Vietnam.
        Assert.Equal("20251129003015", record["NgayNopHoSo"]);
    }

    [Fact]
    public void Record_status_is_the_latest_event_status_not_the_first()
    {
        var received = new PortalPayload.StatusEvent(2, 2, Facts.SubmittedAt.AddHours(1), null);
        var decided = new PortalPayload.StatusEvent(5, 9, Facts.SubmittedAt.AddDays(3), null);

        Assert.Equal((short)2, PortalPayload.Record(Facts, received)["TrangThaiHoSo"]);
        Assert.Equal((short)9, PortalPayload.Record(Facts, decided)["TrangThaiHoSo"]);
    }

    [Fact]
    public void History_lists_each_event_in_the_given_order_with_Vietnam_timestamps()
    {
        PortalPayload.StatusEvent[] events =
        [
            new(1, 1, new DateTimeOffset(2025, 11, 28, 17, 30, 15, TimeSpan.Zero), "Tiếp nhận hồ sơ nộp mới"),
            new(2, 2, new DateTimeOffset(2025, 11, 29, 1, 0, 0, TimeSpan.Zero), "Được tiếp nhận"),
            new(3, 4, new DateTimeOffset(2025, 11, 29, 9, 5, 7, TimeSpan.FromHours(7)), null),
        ];

        var history = PortalPayload.History(Facts.Code, events);

        Assert.Equal(["MaHoSo", "QuaTrinhXuLy"], history.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(Facts.Code, history["MaHoSo"]);
        var rows = Assert.IsAssignableFrom<IEnumerable<Dictionary<string, object?>>>(history["QuaTrinhXuLy"]).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.Subset(HistoryFields, row.Keys.ToHashSet()));
        Assert.All(rows, row => Assert.Equal(Facts.Code, row["MaHoSo"]));
        Assert.Equal(["20251129003015", "20251129080000", "20251129090507"], rows.Select(r => r["ThoiDiemXuLy"]).ToArray());
        Assert.Equal([(short)1, (short)2, (short)4], rows.Select(r => r["TrangThai"]).ToArray());
        Assert.Equal(["Tiếp nhận hồ sơ nộp mới", "Được tiếp nhận", null], rows.Select(r => r["NoiDungXuLy"]).ToArray());
    }

    [Fact]
    public void A_completion_request_is_a_status_1_history_row_named_as_form_02_ending_at_its_due_date_and_the_portal_accepts_it()
    {
        var at = new DateTimeOffset(2025, 12, 1, 2, 0, 0, TimeSpan.Zero);
        var due = new DateTimeOffset(2025, 12, 8, 10, 0, 0, TimeSpan.Zero);
        var facts = new Procedures.Contracts.DossierStatusChanged(Facts.Code, 2, Procedures.Contracts.DossierStatus.Submitted, at,
            "Bổ sung bản sao giấy chứng sinh", Actor: "Nguyễn Thị Hoa", Role: "Chuyên viên", Department: "Một cửa",
            CompletionRequest: new Procedures.Contracts.DossierCompletionRequest(due));
        var step = new PortalPayload.StatusEvent(2, 1, at, facts.Content, Facts: facts);

        var row = Assert.Single(Assert.IsAssignableFrom<IEnumerable<Dictionary<string, object?>>>(
            PortalPayload.History(Facts.Code, [step])["QuaTrinhXuLy"]));
        Assert.Equal((short)1, row["TrangThai"]);
        Assert.Equal("Hướng dẫn bổ sung, hoàn thiện hồ sơ (Mẫu 02): Bổ sung bản sao giấy chứng sinh", row["NoiDungXuLy"]);
        Assert.Equal("20251208170000", row["NgayKetThucTheoQuyDinh"]);
        Assert.Equal("Nguyễn Thị Hoa", row["NguoiXuLy"]);

        // The stand-in portal takes the row and the record of the same status (1 → 1: new facts, no transition).
        var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(PortalPayload.History(Facts.Code, [step]), JsonSerializerOptions.Web))!;
        Assert.Null(Procedures.Sandbox.Portal.PortalRules.ValidateHistory(body.AsObject()));
        var record = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(PortalPayload.Record(Facts, step), JsonSerializerOptions.Web))!;
        Assert.Null(Procedures.Sandbox.Portal.PortalRules.ValidateRecord(record.AsObject()));
        Assert.True(Procedures.Sandbox.Portal.PortalRules.Reachable(1, 1));
    }

    [Fact]
    public void Payload_field_names_survive_web_json_serialisation_unchanged()
    {
        // The portal client posts with JsonContent (web defaults: camelCase properties); dictionary keys must keep their case.
        var record = PortalPayload.Record(Facts, new PortalPayload.StatusEvent(1, 1, Facts.SubmittedAt, null));
        var history = PortalPayload.History(Facts.Code, [new(1, 1, Facts.SubmittedAt, "x")]);

        using var recordJson = JsonDocument.Parse(JsonSerializer.Serialize<object>(record, JsonSerializerOptions.Web));
        using var historyJson = JsonDocument.Parse(JsonSerializer.Serialize<object>(history, JsonSerializerOptions.Web));

        Assert.Equal(record.Keys.Order(StringComparer.Ordinal),
            recordJson.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, recordJson.RootElement.GetProperty("KenhThucHien").GetInt32());
        Assert.Equal("20251129003015", recordJson.RootElement.GetProperty("NgayNopHoSo").GetString());
        var row = historyJson.RootElement.GetProperty("QuaTrinhXuLy")[0];
        Assert.Equal("20251129003015", row.GetProperty("ThoiDiemXuLy").GetString());
        Assert.Equal(1, row.GetProperty("TrangThai").GetInt32());
    }

    [Fact]
    public void Record_carries_dates_rounds_results_fees_and_the_paid_online_flag_from_the_status_events()
    {
        static DateTimeOffset Vn(string s) => DateTimeOffset.Parse(s + "+07:00");
        var round = new Procedures.Contracts.SupplementRound(Vn("2025-12-02T09:00:00"), Vn("2025-12-04T09:00:00"), Vn("2025-12-05T17:00:00"),
            Vn("2025-12-07T17:00:00"));
        var decided = new Procedures.Contracts.DossierStatusChanged(Facts.Code, 6, Procedures.Contracts.DossierStatus.Decided,
            Vn("2025-12-06T10:00:00"), "Cấp giấy", Vn("2025-12-07T17:00:00"), Vn("2025-12-05T17:00:00"), 1, "Trần Văn Bình", "Chuyên viên",
            "Phòng Tư pháp", ReceivedAt: Vn("2025-12-01T09:00:00"), Supplements: [round], PaidOnline: 1,
            Results: [new("Giấy khai sinh", "KS-1", "kq/ks-1.pdf")]);
        var returned = decided with { Sequence = 7, Status = Procedures.Contracts.DossierStatus.Returned, OccurredAt = Vn("2025-12-06T15:00:00"),
            ReturnChannel = Procedures.Contracts.SubmissionChannel.PublicPostal };
        var events = new List<PortalPayload.StatusEvent>
        {
            new(6, 9, decided.OccurredAt, decided.Content, Facts: decided),
            new(7, 10, returned.OccurredAt, "Trả kết quả", Facts: returned),
        };
        var withFees = Facts with { ProcedureName = "Đăng ký khai sinh", Fees = [new("LP1", "Lệ phí", 8000)] };

        var record = PortalPayload.Record(withFees, events[^1], events);
        var json = JsonSerializer.SerializeToElement(record);

        Assert.Equal("Đăng ký khai sinh", json.GetProperty("TenTTHC").GetString());
        Assert.Equal("20251201090000", json.GetProperty("NgayTiepNhan").GetString());
        Assert.Equal("20251207170000", json.GetProperty("NgayHenTra").GetString());
        Assert.Equal("20251206100000", json.GetProperty("NgayKetThucXuLy").GetString()); // status 9, not 10
        Assert.Equal("20251206150000", json.GetProperty("NgayTra").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("NgayTuChoi").ValueKind);
        Assert.Equal(3, json.GetProperty("HinhThuc").GetInt32());
        Assert.Equal(1, json.GetProperty("DuocThanhToanTrucTuyen").GetInt32());
        var supplement = json.GetProperty("DanhSachHoSoBoSung")[0];
        Assert.Equal(("20251202090000", "20251204090000", "20251205170000", "20251207170000"),
            (supplement.GetProperty("NgayBoSung").GetString(), supplement.GetProperty("NgayTiepNhanBoSung").GetString(),
             supplement.GetProperty("NgayHenTraTruoc").GetString(), supplement.GetProperty("NgayHenTraMoi").GetString()));
        var result = json.GetProperty("DanhSachGiayToKetQua")[0];
        Assert.Equal(("Giấy khai sinh", "KS-1", "kq/ks-1.pdf"), (result.GetProperty("TenGiayTo").GetString(),
            result.GetProperty("MaGiayToKetQua").GetString(), result.GetProperty("DuongDanTepTinKetQua").GetString()));
        Assert.Equal(8000, json.GetProperty("DanhSachLePhi")[0].GetProperty("Gia").GetInt64());

        var history = JsonSerializer.SerializeToElement(PortalPayload.History(Facts.Code, events)).GetProperty("QuaTrinhXuLy")[0];
        Assert.Equal(("Trần Văn Bình", "Chuyên viên", "Phòng Tư pháp", "20251207170000"), (history.GetProperty("NguoiXuLy").GetString(),
            history.GetProperty("ChucDanh").GetString(), history.GetProperty("PhongBanXuLy").GetString(),
            history.GetProperty("NgayKetThucTheoQuyDinh").GetString()));
    }
}
