using System.Text.RegularExpressions;

namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>
/// ELECTRONIC_CERTIFIED_COPY (docs/kpi766.md#digitisation): communes offering electronic certified copies ÷ communes under management.
/// A commune "offers" the service in a period when it issued at least one certified copy in it (CopyCertified); the
/// city-wide denominator is the city's 168 commune-level units, a unit's own index has itself (1) as denominator.
/// </summary>
public static partial class CertifiedCopies
{
    /// <summary>Commune-level units of Ho Chi Minh City after the 2025 reorganisation (Intake's receiving-unit catalogue).</summary>
    public const int CityCommunes = 168;

    /// <summary>A commune-level unit in the local scheme (<c>{5-digit commune code}.H29</c>); the city level is not one.</summary>
    public static bool IsCommune(string agency) => CommunePattern().IsMatch(agency);

    /// <summary>(numerator, denominator) for the issuing communes among <paramref name="agencies"/>; <paramref name="unit"/> filters to one.</summary>
    public static (long Offering, long Communes) Ratio(IEnumerable<string> agencies, string? unit)
    {
        var offering = agencies.Where(IsCommune).Where(a => unit is null || a == unit).Distinct(StringComparer.Ordinal).LongCount();
        return unit is null ? (offering, CityCommunes) : IsCommune(unit) ? (offering, 1) : (0, 0);
    }

    [GeneratedRegex(@"^[0-9]{5}\.H29\z")]
    private static partial Regex CommunePattern();
}
