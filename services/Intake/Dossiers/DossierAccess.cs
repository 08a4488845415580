namespace Procedures.Intake.Dossiers;

/// <summary>
/// Who may read a dossier at Intake, written once: the unit that received it and the agency that decides it (a
/// boundary-free dossier is received at one ward and decided by another), or an agency that sees all. Anyone else reads
/// it, and the documents attached to it, as unknown (404).
/// </summary>
public static class DossierAccess
{
    /// <summary>The dossier row (columns prefixed by <paramref name="alias"/>) names <paramref name="agency"/> as one of its two parties.</summary>
    public static string Parties(string alias, string agency) => $"({alias}receiving_unit = {agency} OR {alias}deciding_agency = {agency})";

    /// <summary>The WHERE condition on <c>dossiers</c> with Dapper parameters <c>@agency</c> and <c>@all</c>.</summary>
    public static readonly string Visible = $"(@all OR {Parties("", "@agency")})";

    /// <summary>For a document (alias <c>d</c>, agency in <c>$2</c>): it is attached to a dossier the agency is a party to.</summary>
    public static readonly string OfVisibleDossier =
        $"EXISTS (SELECT 1 FROM dossiers x WHERE x.code = d.dossier_code AND {Parties("x.", "$2")})";
}
