using Procedures.Contracts;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// What a status step announces beside its <see cref="DossierStatusChanged"/>, for the consumers that need only some steps
/// (each delivery costs its consumer a transaction, so a step nobody acts on is not sent there): Payment follows the steps of
/// dossiers with fees (<see cref="FeeBearingStatusChanged"/>), Intake the electronic results of a returned dossier
/// (<see cref="ElectronicResultsReturned"/>). Used where a step is taken (<see cref="DossierDecisions"/>) and where it is sent
/// again (ReplayHistory), so both announce the same.
/// </summary>
public static class NarrowAnnouncements
{
    public static IEnumerable<object> For(DossierStatusChanged step, long feesVnd)
    {
        if (feesVnd > 0) yield return new FeeBearingStatusChanged(step.DossierCode, step.Sequence, step.Status, step.OccurredAt);
        if (step.Status == DossierStatus.Returned
            && (step.Results ?? []).Where(r => !string.IsNullOrWhiteSpace(r.ElectronicResultCode)).ToList() is { Count: > 0 } electronic)
            yield return new ElectronicResultsReturned(step.DossierCode, step.Sequence, step.OccurredAt, electronic);
    }

    /// <summary>The step's status event followed by its narrow announcements.</summary>
    public static IReadOnlyList<object> WithStep(DossierStatusChanged step, long feesVnd) => [step, .. For(step, feesVnd)];
}
