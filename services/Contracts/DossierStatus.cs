using System.ComponentModel;

namespace Procedures.Contracts;

/// <summary>TrangThaiHoSo: the dossier status codes as synced to the national portal (docs/domain.md#dossier-statuses).</summary>
public enum DossierStatus
{
    [Description("Mới đăng ký")] Submitted = 1,
    [Description("Được tiếp nhận")] Received = 2,
    [Description("Không được tiếp nhận")] Refused = 3,
    [Description("Đang xử lý")] InProcessing = 4,
    [Description("Yêu cầu bổ sung giấy tờ")] SupplementRequested = 5,
    [Description("Yêu cầu thực hiện nghĩa vụ tài chính")] AwaitingPayment = 6,
    [Description("Công dân yêu cầu rút hồ sơ")] Withdrawn = 7,
    [Description("Dừng xử lý")] Stopped = 8,
    [Description("Đã xử lý xong")] Decided = 9,
    [Description("Đã trả kết quả")] Returned = 10,
}

/// <summary>KenhThucHien: 1 in person, 2 online, 3 public postal.</summary>
public enum SubmissionChannel
{
    [Description("Trực tiếp")] InPerson = 1,
    [Description("Trực tuyến")] Online = 2,
    [Description("Qua dịch vụ bưu chính công ích")] PublicPostal = 3,
}
