namespace Procedures.Contracts;

/// <summary>TrangThaiHoSo: the dossier status codes as synced to the national portal (DOMAIN.md).</summary>
public enum DossierStatus
{
    Submitted = 1,             // Mới đăng ký
    Received = 2,              // Được tiếp nhận
    Refused = 3,               // Không được tiếp nhận
    InProcessing = 4,          // Đang xử lý
    SupplementRequested = 5,   // Yêu cầu bổ sung giấy tờ
    AwaitingPayment = 6,       // Yêu cầu thực hiện nghĩa vụ tài chính
    Withdrawn = 7,             // Công dân yêu cầu rút hồ sơ
    Stopped = 8,               // Dừng xử lý
    Decided = 9,               // Đã xử lý xong
    Returned = 10,             // Đã trả kết quả
}

/// <summary>KenhThucHien: 1 in person, 2 online, 3 public postal.</summary>
public enum SubmissionChannel
{
    InPerson = 1,
    Online = 2,
    PublicPostal = 3,
}
