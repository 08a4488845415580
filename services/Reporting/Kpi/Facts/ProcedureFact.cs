using Procedures.Contracts;

namespace Procedures.Reporting.Kpi.Facts;

/// <summary>
/// One published version of a procedure (from ProcedurePublished / ProcedureChanged). PaperResult null: not recorded
/// whether the result must be a paper original; OnlineLevelSince null: not recorded when the online level took effect.
/// </summary>
public sealed record ProcedureVersionFact(
    string Code,
    int Version,
    string? Name,
    string? Field,
    ProcedureLevel? Level,
    OnlineServiceLevel OnlineLevel,
    bool? FeeBearing,
    DateOnly? PublishedOn,
    bool? PublishedOnTime,
    bool? PaperResult = null,
    DateOnly? OnlineLevelSince = null)
{
    public static ProcedureVersionFact From(ProcedurePublished e)
        => new(e.ProcedureCode, e.Version, e.Name, e.Field, e.Level, e.OnlineLevel, e.FeeBearing, e.PublishedOn, e.PublishedOnTime, e.PaperResult, e.OnlineLevelSince);

    public static ProcedureVersionFact From(ProcedureChanged e)
        => new(e.ProcedureCode, e.Version, e.Name, e.Field, e.Level, e.OnlineLevel, e.FeeBearing, e.PublishedOn, e.PublishedOnTime, e.PaperResult, e.OnlineLevelSince);

    public bool OfferedOnline => Offers(OnlineLevel);

    /// <summary>Offered online: a partial or full-process online service (3.1's numerator).</summary>
    public static bool Offers(OnlineServiceLevel level) => level is OnlineServiceLevel.Partial or OnlineServiceLevel.Full;

    /// <summary>
    /// The parts the catalogue events carry of art. 8(2) ND 63/2010's mandatory content: name, field, the online level and
    /// whether a fee applies (the rest — sequence, components, time limit — is checked at publication by Intake). A null
    /// level is not missing content: the source lists both levels.
    /// </summary>
    public bool ContentComplete => !string.IsNullOrWhiteSpace(Name) && !string.IsNullOrWhiteSpace(Field)
        && OnlineLevel != OnlineServiceLevel.Unknown && FeeBearing is not null;
}
