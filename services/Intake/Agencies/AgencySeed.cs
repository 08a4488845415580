using System.Globalization;
using Procedures.Intake.Catalogue;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Agencies;

/// <summary>
/// The register's first versions: the city's People's Committee, each commune's People's Committee and police (derived
/// from hcmc-communes.csv, as the receiving units are), and the city-level departments and police units of
/// hcmc-agencies.csv (<c>id,name,kind,decides,effective_from,local_scheme,source</c>; where each fact comes from is in
/// hcmc-agencies.SOURCES.md).
/// </summary>
public static class AgencySeed
{
    public const string Resource = "Procedures.Intake.Data.hcmc-agencies.csv";
    public const string FileName = "hcmc-agencies.csv";

    private static readonly string[] Header = ["id", "name", "kind", "decides", "effective_from", "local_scheme", "source"];
    private const string CommuneSource = "hcmc-communes.csv (the commune); identifier: local scheme, docs/agencies.md";

    /// <summary>The identifier of a commune's police: the commune's identifier with <c>CA</c> before the city suffix (local scheme).</summary>
    public static string CommunePoliceId(ReceivingUnit commune) => commune.AdminCode + ".CA" + ProcedureCode.CitySuffix;

    public static IReadOnlyList<(string Id, AgencyContent Content)> From(string agenciesCsv, string communesCsv)
    {
        var list = new List<(string, AgencyContent)>();
        foreach (var unit in ReceivingUnits.FromCommunesCsv(communesCsv))
        {
            if (unit.Level != Procedures.Contracts.ProcedureLevel.Commune)
            {
                list.Add((unit.Id, new AgencyContent(unit.Name, Agency.CityPeopleCommittee, true, null, null, unit.LocalScheme,
                    "ReceivingUnits.City; identifier: local scheme, docs/agencies.md")));
                continue;
            }
            list.Add((unit.Id, new AgencyContent("UBND " + unit.Name, Agency.CommunePeopleCommittee, true, null, null, true, CommuneSource)));
            list.Add((CommunePoliceId(unit), new AgencyContent("Công an " + unit.Name, Agency.CommunePolice, true, null, null, true, CommuneSource)));
        }
        list.AddRange(FromCsv(agenciesCsv));
        var duplicate = list.GroupBy(a => a.Item1, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidDataException($"Agencies: {duplicate.Key} is listed twice.");
        return list;
    }

    private static IEnumerable<(string, AgencyContent)> FromCsv(string csv)
    {
        var errors = new List<FieldError>();
        var records = ProcedureCsv.Split(csv, errors);
        if (errors.Count > 0) throw new InvalidDataException("Agencies CSV: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.En}")));
        if (records.Count == 0 || !records[0].Fields.SequenceEqual(Header, StringComparer.Ordinal))
            throw new InvalidDataException("Agencies CSV: the header must be " + string.Join(",", Header));
        foreach (var (line, f) in records.Skip(1))
        {
            if (f.Count == 1 && f[0].Length == 0) continue;
            if (f.Count != Header.Length || f[3] is not ("true" or "false") || f[5] is not ("true" or "false"))
                throw new InvalidDataException($"Agencies CSV line {line}: expected {Header.Length} fields, decides and local_scheme true|false.");
            DateOnly? from = f[4].Length == 0 ? null
                : DateOnly.ParseExact(f[4], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var (id, content, invalid) = Agency.Validate(new AgencyInput(f[0], f[1], f[2], f[3] == "true", from, null, f[5] == "true", f[6]));
            if (invalid.Count > 0)
                throw new InvalidDataException($"Agencies CSV line {line}: " + string.Join("; ", invalid.Select(e => $"{e.Field}: {e.En}")));
            yield return (id!, content!);
        }
    }
}
