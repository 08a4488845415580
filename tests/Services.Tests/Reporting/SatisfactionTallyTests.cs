using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.Reporting.Kpi.Satisfaction;

namespace Procedures.Services.Tests.Reporting;

/// <summary>The satisfaction group's formulas (KPI766 §5), pure: counts from feedback and ratings, then the rule set's scoring.</summary>
[Trait("Kind", "Pure")]
public sealed class SatisfactionTallyTests
{
    private static readonly DateTimeOffset Due = DateTimeOffset.Parse("2026-11-20T17:00:00+07:00");

    [Fact]
    public void Feedback_is_on_time_when_answered_by_its_deadline_or_still_within_it_and_late_otherwise()
    {
        FeedbackDeadline[] feedback =
        [
            new(Due, Due),                 // answered at the deadline: on time
            new(Due, Due.AddSeconds(1)),   // answered a second late
            new(Due, null),                // unanswered, judged after the deadline: late
            new(Due.AddDays(20), null),    // unanswered, deadline still ahead: within time
        ];
        Assert.Equal((2L, 4L), SatisfactionTally.OnTime(feedback, Due.AddDays(1)));
        Assert.Equal((3L, 4L), SatisfactionTally.OnTime(feedback, Due));
        Assert.Equal((0L, 0L), SatisfactionTally.OnTime([], Due));
    }

    [Fact]
    public void Satisfied_counts_satisfied_and_very_satisfied_among_the_ratings()
        => Assert.Equal((2L, 3L), SatisfactionTally.Ratings([true, false, true]));

    [Fact]
    public void The_index_scores_the_satisfaction_group_from_the_tally_with_the_90_percent_threshold_for_dossiers()
    {
        var tally = SatisfactionTally.Of([new(Due, Due), new(Due, null)], [true, false, false, true], [true, true, true, false, true], Due.AddDays(1));
        var r = IndexCalculator.Compute(new IndexInput(new Period(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), Due.AddDays(10),
            new Dictionary<string, Tally>(), [], UnitFiltered: true, tally), DefaultRules.V2025);
        IndicatorResult Get(string code) => r.Indicators.Single(i => i.Code == code);
        Assert.Equal((1L, 2L, 3m, true), (Get(IndicatorCodes.PetitionsOnTime).Numerator, Get(IndicatorCodes.PetitionsOnTime).Denominator,
            Get(IndicatorCodes.PetitionsOnTime).Points!.Value, Get(IndicatorCodes.PetitionsOnTime).Tracked));
        Assert.Equal((2L, 4L, 3m), (Get(IndicatorCodes.PetitionSatisfaction).Numerator, Get(IndicatorCodes.PetitionSatisfaction).Denominator,
            Get(IndicatorCodes.PetitionSatisfaction).Points!.Value));
        // 4 of 5 = 80 % against a 90 % threshold: 6 × 0.8 / 0.9 = 5.33.
        Assert.Equal((4L, 5L, 5.33m), (Get(IndicatorCodes.DossierSatisfaction).Numerator, Get(IndicatorCodes.DossierSatisfaction).Denominator,
            Get(IndicatorCodes.DossierSatisfaction).Points!.Value));
        Assert.Equal(11.33m, r.Groups.Single(g => g.Code == "satisfaction").Points);

        // Nothing rated or due: petitions score full (FIT), dossier satisfaction 0 (FIT), as the rule set says.
        var empty = IndexCalculator.Compute(new IndexInput(new Period(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), Due,
            new Dictionary<string, Tally>(), [], true, SatisfactionTally.Empty), DefaultRules.V2025);
        Assert.Equal(12m, empty.Groups.Single(g => g.Code == "satisfaction").Points);
    }
}
