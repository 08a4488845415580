using Procedures.Contracts;
using Procedures.Notifications.Events;

namespace Procedures.Services.Tests.Notifications;

/// <summary>One public event of every type, mapped from internal events by the service's own mapping.</summary>
internal static class SampleEvents
{
    public const string Code = "26740.H29-261128-0001";
    public static readonly DateTimeOffset At = new(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);
    private static readonly DossierRoute Route = DossierRoute.Of("26740.H29", "26740.H29", "1.003677");

    public static DossierStatusChanged Status(string code, long sequence, DossierStatus status, string agency = "26740.H29", string? deciding = null)
        => new(code, sequence, status, At.AddMinutes(sequence), "Nội dung của cán bộ: gọi ông Nguyễn Văn A 0912345678",
            AppointmentAt: status >= DossierStatus.Received ? At.AddDays(3) : null, ReceivingUnit: agency, DecidingAgency: deciding ?? agency,
            ProcedureCode: "1.003677", Actor: "Trần Thị B");

    public static List<PublicEvent> All(string code = Code)
    {
        var events = new List<PublicEvent>();
        var sequence = 0L;
        foreach (var status in Enum.GetValues<DossierStatus>())
            events.Add(PublicEventMapping.From(Status(code, ++sequence, status), null));
        events.Add(PublicEventMapping.From(Status(code, ++sequence, DossierStatus.InProcessing) with
        {
            Apology = new DossierApology("Chậm", "Trần Thị B", At.AddDays(5), OnTime: false),
        }, null));
        events.Add(PublicEventMapping.From(Status(code, ++sequence, DossierStatus.Submitted) with
        {
            CompletionRequest = new DossierCompletionRequest(At.AddDays(7)),
        }, null));
        events.Add(PublicEventMapping.From(new DossierSynced(code, 3, At.AddHours(1)), Route)!);
        events.Add(PublicEventMapping.From(new DossierAtRisk(code, At.AddDays(3), "26740.H29", "26740.H29", "1.003677", At.AddDays(2))));
        events.Add(PublicEventMapping.From(new DossierOverdue(code, At.AddDays(3), "26740.H29", "26740.H29", "1.003677", At.AddDays(3))));
        events.Add(PublicEventMapping.From(new PaymentSucceeded(code, "26740H292611280001-1", "TX1", 50_000, At.AddHours(2), PaidOnlineChannel.NationalPortal), Route)!);
        events.Add(PublicEventMapping.From(new PaymentFailed(code, "26740H292611280001-2", "expired", At.AddHours(2)), Route)!);
        events.Add(PublicEventMapping.From(new PaymentRefunded(code, "26740H292611280001-1", 50_000, "refused", At.AddHours(3)), Route)!);
        events.Add(PublicEventMapping.From(new DossierRatingLinkIssued(code, 10, $"https://dichvucong.hcmc.gov.vn/api/v1/public/dossiers/{code}/rating?token=t",
            At.AddDays(30), At.AddHours(4), "26740.H29", "26740.H29", "1.003677")));
        return events;
    }
}
