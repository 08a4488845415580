using Procedures.Contracts;
using static Procedures.Services.Tests.Reporting.OnTimeTests;

namespace Procedures.Services.Tests.Reporting;

/// <summary>Events of one dossier as Intake, Processing, Payment and PortalSync publish them.</summary>
internal static class LifecycleEvents
{
    public static DossierSubmitted Submitted(string code, string procedure = "1.000948", long fee = 50_000, SubmissionChannel channel = SubmissionChannel.Online,
        DateTimeOffset? at = null)
        => new(code, procedure, "26740.H29", channel, "Nguyễn Văn A", at ?? Received.AddHours(-1),
            new ApplicantIdentity(1, "079203001234", null, null, VneidLevel2: true), 1, "26740.H29", "Cấp phép",
            [new SubmittedDocument("TP1", Guid.NewGuid(), "don.pdf", Digitised: true, Reused: false, FromCitizenStore: false, null)],
            fee > 0 ? [new DossierFee("LP1", "Lệ phí", fee)] : [], new ProcessingTerm(3, "working-days"));

    public static DossierStatusChanged Status(string code, long sequence, DossierStatus status, DateTimeOffset at, int requests = 0,
        IReadOnlyList<ResultDocument>? results = null)
        => new(code, sequence, status, at, null, AppointmentAt: status == DossierStatus.Submitted ? null : Due,
            OriginalAppointmentAt: status == DossierStatus.Submitted ? null : Due, SupplementRequests: requests,
            ReceivingUnit: "26740.H29", DecidingAgency: "26740.H29", Results: results);

    /// <summary>1 → 2 → 4 → 5 → 4 (applicant took two days) → 9 two days after the deadline → 10: on time thanks to the pause.</summary>
    public static List<object> PausedButOnTime(string code) =>
    [
        Submitted(code),
        Status(code, 1, DossierStatus.Submitted, Received.AddHours(-1)),
        Status(code, 2, DossierStatus.Received, Received),
        Status(code, 3, DossierStatus.InProcessing, Received.AddHours(1)),
        Status(code, 4, DossierStatus.SupplementRequested, At("2026-11-06T09:00"), requests: 1),
        Status(code, 5, DossierStatus.InProcessing, At("2026-11-08T09:00"), requests: 1),
        Status(code, 6, DossierStatus.Decided, Due.AddDays(2), requests: 1, results: [new ResultDocument("Giấy phép", "KQ-1", "kq.pdf")]),
        Status(code, 7, DossierStatus.Returned, Due.AddDays(3), requests: 1),
        new PaymentSucceeded(code, "REF1", "TX1", 50_000, Received.AddHours(2), PaidOnlineChannel.NationalPortal),
        new DossierSynced(code, 7, Due.AddDays(3).AddMinutes(1)),
    ];
}
