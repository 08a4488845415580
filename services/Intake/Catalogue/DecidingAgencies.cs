using Procedures.Contracts;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// Cơ quan giải quyết. A procedure names either an agency identifier (national agency-identifier scheme, e.g.
/// <c>000.20.32.H29</c>) or a rule marker that designates the agency relative to the unit that receives the dossier.
/// <para>
/// The seed source (hcmc-procedures.csv) has no deciding-agency column, so nothing is taken from it beyond this rule:
/// </para>
/// <list type="bullet">
/// <item>level = commune, field "Đăng ký, quản lý cư trú" or "Cấp, quản lý căn cước" → <see cref="CommunePolice"/>:
/// the Law on Residence 2020 (Art. 2) makes the commune police the residence-registration authority, and identity
/// cards are issued by the police (Law on Identity 2023); the rows' notes say "Handled by Công an cấp xã" / "received
/// at Công an cấp xã". Calling the People's Committee their deciding agency would be false.</item>
/// <item>level = commune otherwise → <see cref="CommunePeopleCommittee"/>: the People's Committee (UBND) of the
/// receiving commune, which decides commune-level procedures (for household businesses through its business
/// registration office, which Decree 168/2025 places inside the commune People's Committee).</item>
/// <item>level = province or empty (both levels listed) → null: which city department decides is not in the source.
/// Such a procedure stays a draft until an administrator names the agency.</item>
/// </list>
/// </summary>
public static class DecidingAgencies
{
    public const string CommunePeopleCommittee = "commune-people-committee";
    public const string CommunePolice = "commune-police";

    public static readonly IReadOnlySet<string> Markers = new HashSet<string>(StringComparer.Ordinal) { CommunePeopleCommittee, CommunePolice };

    /// <summary>Fields (lĩnh vực) whose commune-level procedures are decided by the commune police.</summary>
    private static readonly HashSet<string> PoliceFields = new(StringComparer.Ordinal)
    {
        "Đăng ký, quản lý cư trú",
        "Cấp, quản lý căn cước",
    };

    public static bool IsMarker(string? value) => value is not null && Markers.Contains(value);

    /// <summary>The rule above, for a procedure read from the seed format.</summary>
    public static string? FromSource(ProcedureLevel? level, string field) => level switch
    {
        ProcedureLevel.Commune when PoliceFields.Contains(field) => CommunePolice,
        ProcedureLevel.Commune => CommunePeopleCommittee,
        _ => null,
    };

    /// <summary>
    /// The deciding agency's identifier for a dossier of <paramref name="procedure"/> received at <paramref name="receivingUnit"/>:
    /// an explicit identifier as stated; the receiving commune itself for <see cref="CommunePeopleCommittee"/> (the
    /// commune's identifier designates its People's Committee); null where no identifier is known (the commune police,
    /// a commune rule at a non-commune desk, or no agency at all).
    /// </summary>
    public static string? IdentifierFor(ProcedureVersion procedure, ReceivingUnit receivingUnit) => procedure.Content.DecidingAgency switch
    {
        null => null,
        CommunePeopleCommittee => receivingUnit.Level == ProcedureLevel.Commune ? receivingUnit.Id : null,
        CommunePolice => null,
        var identifier => identifier,
    };
}
