using Procedures.Contracts;
using Procedures.Intake.Catalogue;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Dossiers;

/// <summary>
/// What the law lets a dossier be submitted under: a published, effective procedure version, a channel it offers,
/// a receiving unit of the city allowed to receive it, and the components the law asks for in the declared cases (pure rules).
/// Each refusal has its own problem type, so an agency system can tell them apart without parsing text.
/// </summary>
public static class ProcedureRules
{
    public sealed record Refusal(string ProblemType, FieldError Error);

    public static IReadOnlyList<Refusal> Check(ProcedureVersion? procedure, ReceivingUnit? unit, SubmissionChannel channel,
        IReadOnlyList<DocumentReference> documents, DateOnly today, IReadOnlyList<string>? cases = null)
    {
        var refusals = new List<Refusal>();
        if (unit is null)
            refusals.Add(new("unknown-receiving-unit", new("receivingUnit", "unknown-receiving-unit",
                "Đơn vị tiếp nhận không thuộc danh mục của Thành phố", "The receiving unit is not one of the city's units")));
        if (procedure is null)
        {
            refusals.Add(new("unknown-procedure", new("procedureCode", "unknown-procedure",
                "Không có thủ tục hành chính với mã này", "No administrative procedure has this code")));
            return refusals;
        }
        var content = procedure.Content;
        if (!procedure.IsOpenForSubmission)
            refusals.Add(new("procedure-not-open", new("procedureCode", "procedure-not-open",
                "Thủ tục chưa đủ thông tin công bố (thời hạn hoặc cơ quan giải quyết), chưa nhận hồ sơ",
                "The procedure is a draft (no published processing time or deciding agency) and takes no dossiers yet")));
        if (content.EffectiveFrom is { } effective && effective > today)
            refusals.Add(new("procedure-not-yet-effective", new("procedureCode", "procedure-not-yet-effective",
                $"Thủ tục có hiệu lực từ {effective:dd/MM/yyyy}", $"The procedure takes effect on {effective:yyyy-MM-dd}")));
        if (channel == SubmissionChannel.Online && content.OnlineLevel == OnlineServiceLevel.None)
            refusals.Add(new("channel-not-offered", new("channel", "channel-not-offered",
                "Thủ tục không cung cấp dịch vụ công trực tuyến", "The procedure is not offered online")));
        // Decree 118/2025: reception regardless of administrative boundary within the province, unless the
        // procedure says otherwise; the source data does not say, so unknown counts as boundary-free.
        if (unit is not null && content.BoundaryFree == false && content.Level == ProcedureLevel.Province && unit.Level != ProcedureLevel.Province)
            refusals.Add(new("not-boundary-free", new("receivingUnit", "not-boundary-free",
                "Thủ tục chỉ được tiếp nhận tại cơ quan cấp tỉnh", "This procedure is received only at the province level")));

        refusals.AddRange(Components.Missing(content.Documents, documents, cases ?? [])
            .Select(error => new Refusal("incomplete-dossier", error)));
        var known = content.Documents.Select(d => d.Code).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
            if (documents[i].ComponentCode is { } code && !known.Contains(code))
                refusals.Add(new("incomplete-dossier", new($"documents[{i}].componentCode", "unknown-component",
                    $"Thủ tục không có thành phần hồ sơ {code}", $"The procedure has no component {code}")));
        return refusals;
    }

    /// <summary>The problem type of a set of input errors: specific identifier rules get their own type.</summary>
    public static string ProblemTypeFor(IReadOnlyList<FieldError> errors)
        => errors.Any(e => e.Rule.StartsWith("citizen-id", StringComparison.Ordinal)) ? "invalid-citizen-id"
            : errors.Any(e => e.Rule.StartsWith("tax-code", StringComparison.Ordinal)) ? "invalid-tax-code"
            : "validation";
}
