namespace Procedures.Contracts;

/// <summary>
/// The status rules every service reads the same way (docs/lifecycle.md): which statuses end processing, and which step
/// is the end of processing. Processing stamps <c>ended_at</c> by them, PortalSync sends NgayKetThucXuLy by them,
/// Reporting folds EndedAt by them, Payment stops taking fees by them.
/// </summary>
public static class DossierStatusRules
{
    /// <summary>
    /// The ending statuses: refused (3), withdrawn (7), stopped (8), decided (9) and returned (10). Processing is over at
    /// each of them; only decided still moves on, to returned (the result handed over).
    /// </summary>
    public static readonly IReadOnlySet<DossierStatus> Ending = new HashSet<DossierStatus>
    {
        DossierStatus.Refused, DossierStatus.Withdrawn, DossierStatus.Stopped, DossierStatus.Decided, DossierStatus.Returned,
    };

    /// <summary>Whether <paramref name="status"/> ends processing.</summary>
    public static bool Ends(DossierStatus status) => Ending.Contains(status);

    /// <summary>
    /// The step that ends processing (NgayKetThucXuLy, docs/domain.md#end-of-processing): the first decided (9), else the
    /// first returned (10), else the first stopped, refused or withdrawn (8, 3, 7, whichever came first); null while
    /// processing goes on. The steps may come in any order and with gaps (Reporting folds what it has); "first" is by
    /// <paramref name="sequenceOf"/>.
    /// </summary>
    public static T? EndOfProcessing<T>(IEnumerable<T> steps, Func<T, DossierStatus> statusOf, Func<T, long> sequenceOf) where T : class
    {
        var ordered = steps.OrderBy(sequenceOf).ToList();
        return ordered.FirstOrDefault(s => statusOf(s) == DossierStatus.Decided)
            ?? ordered.FirstOrDefault(s => statusOf(s) == DossierStatus.Returned)
            ?? ordered.FirstOrDefault(s => Ends(statusOf(s)));
    }
}
