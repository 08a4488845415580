using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Services.Tests.Reporting;

/// <summary>The on-time rule of docs/kpi766.md#progress-on-time on hand-worked dossiers (deadline 10 Nov 2026 17:00 Vietnam time).</summary>
[Trait("Kind", "Pure")]
public sealed class OnTimeTests
{
    internal static readonly DateTimeOffset Received = At("2026-11-05T08:00");
    internal static readonly DateTimeOffset Due = At("2026-11-10T17:00");

    internal static DateTimeOffset At(string vietnamTime) => DateTimeOffset.Parse(vietnamTime + ":00+07:00", System.Globalization.CultureInfo.InvariantCulture);

    internal static DossierFact Dossier(DateTimeOffset? ended = null, int? endStatus = null, long paused = 0, int requests = 0,
        DateTimeOffset? pendingSince = null, DateTimeOffset? received = null) => new()
    {
        Code = "26740.H29-261105-0001", ProcedureCode = "1.003677", ReceivingUnit = "26740.H29", DecidingAgency = "26740.H29",
        ReceivedAt = received ?? Received, OriginalDueAt = Due, EndedAt = ended, EndStatus = ended is null ? null : endStatus ?? 10,
        PausedSeconds = paused, SupplementRequests = requests, PendingSupplementSince = pendingSince,
    };

    private static Verdict Judge(DossierFact f, string judgedAt = "2026-12-01T00:00", RepeatedSupplement rule = RepeatedSupplement.Always)
        => OnTime.Judge(f, At(judgedAt), rule);

    [Fact]
    public void Unfinished_dossier_still_within_its_deadline_at_period_end_is_on_time()
        => Assert.Equal(Verdict.OnTime, Judge(Dossier(), judgedAt: "2026-11-09T00:00"));

    [Fact]
    public void Unfinished_dossier_past_its_deadline_at_period_end_is_overdue()
        => Assert.Equal(Verdict.Late, Judge(Dossier(), judgedAt: "2026-11-10T17:01"));

    [Fact]
    public void Unfinished_dossier_judged_exactly_at_its_deadline_is_still_within_time()
        => Assert.Equal(Verdict.OnTime, Judge(Dossier(), judgedAt: "2026-11-10T17:00"));

    [Fact]
    public void Finished_exactly_at_the_deadline_is_on_time_and_one_second_later_is_late()
    {
        Assert.Equal(Verdict.OnTime, Judge(Dossier(ended: Due)));
        Assert.Equal(Verdict.Late, Judge(Dossier(ended: Due.AddSeconds(1))));
    }

    [Fact]
    public void A_finished_dossier_keeps_its_verdict_whenever_the_period_is_judged()
    {
        Assert.Equal(Verdict.OnTime, Judge(Dossier(ended: At("2026-11-09T10:00")), judgedAt: "2027-03-01T00:00"));
        Assert.Equal(Verdict.Late, Judge(Dossier(ended: At("2026-11-11T10:00")), judgedAt: "2026-11-12T00:00"));
    }

    [Fact]
    public void A_supplementation_pause_is_subtracted_once_and_makes_a_late_looking_dossier_on_time()
    {
        // Ended two days after the deadline, but the applicant took exactly two days to supplement.
        var ended = Due.AddDays(2);
        Assert.Equal(Verdict.Late, Judge(Dossier(ended: ended)));
        Assert.Equal(Verdict.OnTime, Judge(Dossier(ended: ended, paused: 2 * 86_400, requests: 1)));
        Assert.Equal(Verdict.Late, Judge(Dossier(ended: ended.AddSeconds(1), paused: 2 * 86_400, requests: 1)));
    }

    [Fact]
    public void An_open_dossier_is_judged_at_period_end_minus_its_completed_pauses()
    {
        var f = Dossier(paused: 86_400, requests: 1);
        Assert.Equal(Verdict.OnTime, Judge(f, judgedAt: "2026-11-11T17:00"));
        Assert.Equal(Verdict.Late, Judge(f, judgedAt: "2026-11-11T17:01"));
    }

    [Fact]
    public void A_single_pending_supplementation_ends_at_its_request()
    {
        // Still waiting for the applicant weeks later: judged at the request time, before the deadline.
        Assert.Equal(Verdict.OnTime, Judge(Dossier(requests: 1, pendingSince: At("2026-11-09T09:00")), judgedAt: "2026-12-01T00:00"));
        Assert.Equal(Verdict.Late, Judge(Dossier(requests: 1, pendingSince: At("2026-11-10T17:30"))));
    }

    [Fact]
    public void Two_supplementation_requests_count_overdue_by_default_even_when_finished_early()
    {
        var f = Dossier(ended: At("2026-11-08T10:00"), paused: 3_600, requests: 2);
        Assert.Equal(Verdict.Late, Judge(f, rule: RepeatedSupplement.Always));
        Assert.False(OnTime.Counts(Judge(f, rule: RepeatedSupplement.Always), RepeatedSupplement.Always));
    }

    [Fact]
    public void Two_supplementation_requests_under_the_pending_only_reading_count_overdue_only_while_pending()
    {
        var finished = Dossier(ended: At("2026-11-08T10:00"), paused: 3_600, requests: 2);
        var verdict = Judge(finished, rule: RepeatedSupplement.OnlyWhilePending);
        Assert.Equal(Verdict.OnTimeButRepeatedSupplement, verdict);
        Assert.True(OnTime.Counts(verdict, RepeatedSupplement.OnlyWhilePending));
        Assert.False(OnTime.Counts(verdict, RepeatedSupplement.Always));

        var pending = Dossier(requests: 2, paused: 3_600, pendingSince: At("2026-11-07T10:00"));
        Assert.Equal(Verdict.Late, Judge(pending, rule: RepeatedSupplement.OnlyWhilePending));
    }

    [Fact]
    public void Withdrawn_dossier_ends_at_its_withdrawal()
    {
        Assert.Equal(Verdict.OnTime, Judge(Dossier(ended: At("2026-11-06T10:00"), endStatus: 7)));
        Assert.Equal(Verdict.Late, Judge(Dossier(ended: At("2026-11-12T10:00"), endStatus: 7)));
    }

    [Fact]
    public void Refused_during_an_unanswered_supplementation_ends_at_the_request()
    {
        // 5 → 3 after the deadline, but the request (the end of processing in effect) was before it.
        var f = Dossier(ended: At("2026-11-20T10:00"), endStatus: 3, requests: 1, pendingSince: At("2026-11-09T10:00"));
        Assert.Equal(Verdict.OnTime, Judge(f));
    }

    [Fact]
    public void Refused_at_reception_or_without_an_appointment_date_is_not_counted()
    {
        Assert.Equal(Verdict.NotCounted, Judge(Dossier() with { ReceivedAt = null, EndedAt = null }));
        Assert.Equal(Verdict.NotCounted, Judge(Dossier(ended: At("2026-11-06T10:00")) with { OriginalDueAt = null }));
    }
}
