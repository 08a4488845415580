using Procedures.Contracts;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>OpenAPI examples, computed by the real calculator so they cannot drift from the response shape.</summary>
internal static class KpiExamples
{
    private static readonly DateTimeOffset Received = DateTimeOffset.Parse("2026-11-02T08:00:00+07:00");

    public static readonly EvaluateEndpoint.Request EvaluateRequest = new("2026-11-01", "2026-11-30", null,
        [
            new EvaluateEndpoint.Dossier("26740.H29-261102-0001", "1.003677", "26740.H29", "26740.H29", 2, Received, Received.AddDays(1),
                Received.AddHours(20), 10, 0, 0, null, 50_000, true, true, true, false, true, true, true, false, null, true, true, PaperResult: true),
        ],
        [new EvaluateEndpoint.Procedure("1.003677", 1, "Khai báo tạm vắng", "Hộ tịch", ProcedureLevel.Commune, OnlineServiceLevel.Full, true,
            new DateOnly(2026, 11, 3), true, PaperResult: true, OnlineLevelSince: new DateOnly(2026, 1, 1))], IndexView.Portal);

    public static readonly IndexResult Index = FactsIndex.Compute(
        [new DossierFact
        {
            Code = "26740.H29-261102-0001", ProcedureCode = "1.003677", ReceivingUnit = "26740.H29", DecidingAgency = "26740.H29", Channel = 2,
            ReceivedAt = Received, OriginalDueAt = Received.AddDays(1), EndedAt = Received.AddHours(20), EndStatus = 10, FeeTotal = 50_000,
            PaidOnline = true, Digitised = true, Reused = true, PopulationData = true, Citizen = true, ElectronicResult = true,
            LastSequence = 2, SyncedSequence = 2, PaperResult = true,
        }],
        [new ProcedureVersionFact("1.003677", 1, "Khai báo tạm vắng", "Hộ tịch", ProcedureLevel.Commune, OnlineServiceLevel.Full, true,
            new DateOnly(2026, 11, 3), true, PaperResult: true, OnlineLevelSince: new DateOnly(2026, 1, 1))],
        new Period(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), DateTimeOffset.Parse("2026-11-30T09:00:00+07:00"), DefaultRules.V2025,
        view: IndexView.Portal);
}
