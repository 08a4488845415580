using Procedures.Contracts;

namespace Procedures.Reporting.Kpi.Facts;

/// <summary>Every event Reporting logged about one dossier, in any order and possibly with gaps.</summary>
public sealed record DossierEvents(
    string Code,
    DossierSubmitted? Submitted,
    IReadOnlyList<DossierStatusChanged> Statuses,
    IReadOnlyList<DossierSynced> Syncs,
    IReadOnlyList<PaymentSucceeded> Payments,
    IReadOnlyList<ApologyIssued> Apologies,
    IReadOnlyList<ResultStoredForCitizen>? StoredResults = null);

/// <summary>
/// Folds a dossier's events into its facts. Pure and order-free: the result depends only on the set of events, so a
/// redelivered, late or replayed event gives the same facts (the projection and the rebuild both call this).
/// </summary>
public static class DossierFold
{
    public static DossierFact Fold(DossierEvents e)
    {
        var statuses = e.Statuses.GroupBy(s => s.Sequence).Select(g => g.First()).OrderBy(s => s.Sequence).ToList();
        var latest = statuses.LastOrDefault();
        var receivedAt = statuses.Select(s => s.ReceivedAt).FirstOrDefault(r => r is not null)
            ?? statuses.FirstOrDefault(s => s.Status == DossierStatus.Received)?.OccurredAt;
        var (paused, pendingSince, rounds) = Supplementation(statuses);
        var documents = e.Submitted?.Documents ?? [];
        var apologyOnTime = e.Apologies.Count > 0 || statuses.Any(s => s.Apology is not null)
            ? e.Apologies.Any(a => a.OnTime) || statuses.Any(s => s.Apology is { OnTime: true })
            : (bool?)null;
        var fromStore = documents.Any(d => d.FromCitizenStore);

        receivedAt = Micro(receivedAt);
        return new DossierFact
        {
            Code = e.Code,
            ProcedureCode = e.Submitted?.ProcedureCode ?? statuses.LastOrDefault(s => s.ProcedureCode is not null)?.ProcedureCode,
            ReceivingUnit = e.Submitted?.ReceivingUnit ?? statuses.LastOrDefault(s => s.ReceivingUnit is not null)?.ReceivingUnit,
            DecidingAgency = statuses.LastOrDefault(s => s.DecidingAgency is not null)?.DecidingAgency ?? e.Submitted?.DecidingAgency
                ?? e.Submitted?.ReceivingUnit ?? statuses.LastOrDefault(s => s.ReceivingUnit is not null)?.ReceivingUnit,
            Channel = e.Submitted is { } sub ? (int)sub.Channel : null,
            SubmittedAt = Micro(e.Submitted?.SubmittedAt ?? statuses.FirstOrDefault(s => s.Status == DossierStatus.Submitted)?.OccurredAt),
            ReceivedAt = receivedAt,
            OriginalDueAt = Micro(statuses.LastOrDefault(s => s.OriginalAppointmentAt is not null)?.OriginalAppointmentAt
                ?? statuses.FirstOrDefault(s => s.Status == DossierStatus.Received)?.AppointmentAt),
            DueAt = Micro(statuses.LastOrDefault(s => s.AppointmentAt is not null)?.AppointmentAt),
            EndedAt = receivedAt is null ? null : Micro(End(statuses)?.OccurredAt),
            EndStatus = receivedAt is null ? null : (int?)End(statuses)?.Status,
            Status = latest is null ? 1 : (int)latest.Status,
            LastSequence = latest?.Sequence ?? 0,
            SupplementRequests = Math.Max(rounds, statuses.Count == 0 ? 0 : statuses.Max(s => s.SupplementRequests)),
            PausedSeconds = paused,
            PendingSupplementSince = Micro(pendingSince),
            FeeTotal = e.Submitted?.Fees?.Sum(f => Math.Max(0, f.AmountVnd)) ?? 0,
            PaidOnline = e.Payments.Count > 0 || statuses.Any(s => s.PaidOnline is PaidOnlineChannel.NationalPortal or PaidOnlineChannel.LocalGateway),
            Digitised = documents.Any(d => d.Digitised),
            Reused = documents.Any(d => d.Reused),
            FromCitizenStore = fromStore,
            ResultInCitizenStore = e.StoredResults is { Count: > 0 },
            PopulationData = fromStore || e.Submitted?.Applicant?.VneidLevel2 == true,
            Citizen = e.Submitted?.Applicant?.Kind == 1,
            ElectronicResult = statuses.Any(s => s.Results?.Any(r => !string.IsNullOrWhiteSpace(r.ElectronicResultCode)) == true),
            LateReception = statuses.Any(s => s.LateReception),
            ApologyOnTime = apologyOnTime,
            SyncedSequence = e.Syncs.Count == 0 ? 0 : e.Syncs.Max(s => s.Sequence),
            // When the portal acknowledged the furthest step (from the event, not the clock, so a rebuild gives the same).
            SyncedAt = e.Syncs.Count == 0 ? null : e.Syncs.MaxBy(s => s.Sequence)!.AcknowledgedAt,
            PaperResult = e.Submitted?.PaperResult,
        };
    }

    /// <summary>The status that ends processing, by the rule every service shares.</summary>
    private static DossierStatusChanged? End(List<DossierStatusChanged> statuses)
        => DossierStatusRules.EndOfProcessing(statuses, s => s.Status, s => s.Sequence);

    /// <summary>
    /// Completed pauses, the request time of an unanswered round, and the number of rounds. Processing's rounds
    /// (DanhSachHoSoBoSung) are used when an event carries them; otherwise they are read off the status sequence
    /// (5 opens a round, the next 4 closes it).
    /// </summary>
    private static (long Paused, DateTimeOffset? PendingSince, int Rounds) Supplementation(List<DossierStatusChanged> statuses)
    {
        if (statuses.LastOrDefault(s => s.Supplements is { Count: > 0 })?.Supplements is { } listed)
        {
            var completed = listed.Where(r => r.ReceivedAt is not null).Sum(r => Seconds(r.RequestedAt, r.ReceivedAt!.Value));
            var open = listed.Where(r => r.ReceivedAt is null).Select(r => (DateTimeOffset?)r.RequestedAt).FirstOrDefault();
            // A round the newest events close (4 after 5) may not be in the list of an older event yet.
            if (open is { } request && statuses[^1] is { Status: DossierStatus.InProcessing } last && last.OccurredAt >= request)
                return (completed + Seconds(request, last.OccurredAt), null, listed.Count);
            return (completed, open, listed.Count);
        }

        long paused = 0;
        DateTimeOffset? since = null;
        var rounds = 0;
        foreach (var s in statuses)
        {
            if (s.Status == DossierStatus.SupplementRequested)
            {
                if (since is null) rounds++;
                since ??= s.OccurredAt;
            }
            else if (since is { } start && s.Status == DossierStatus.InProcessing)
            {
                paused += Seconds(start, s.OccurredAt);
                since = null;
            }
        }
        return (paused, since, rounds);
    }

    /// <summary>Postgres keeps microseconds: facts read back from the table must equal the folded ones exactly.</summary>
    private static DateTimeOffset? Micro(DateTimeOffset? t) => t is { } v ? new DateTimeOffset(v.UtcTicks - v.UtcTicks % 10, TimeSpan.Zero) : null;

    private static long Seconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (long)(to - from).TotalSeconds);
}
