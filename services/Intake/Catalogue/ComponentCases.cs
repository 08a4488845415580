using System.Globalization;
using System.Text;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// Derives how the law lists a component from its published text (docs/domain.md#components): the case a
/// parenthetical states, or "(nếu có)" for an optional one. The patterns and the hand decisions are listed there.
/// </summary>
public static class ComponentCases
{
    /// <summary>Words that open a stated case: "(trường hợp …)", "(nếu …)", "(khi …)".</summary>
    private static readonly string[] CaseWords = ["(trường hợp", "(nếu", "(khi"];

    /// <summary>
    /// Parentheticals that state a case without one of <see cref="CaseWords"/> (who applies, or how), decided by hand
    /// from the seeded texts, with their English. Other parentheticals (a form number, "bản sao hoặc bản chính",
    /// "xuất trình …") describe the document and leave it required.
    /// </summary>
    private static readonly Dictionary<string, string> NamedCases = new(StringComparer.Ordinal)
    {
        ["chỗ ở thuê, mượn, ở nhờ"] = "the residence is rented, borrowed or lodged in",
        ["đăng ký vào hộ của người thân"] = "registering into a relative's household",
        ["người dưới 14 tuổi"] = "the applicant is under 14",
        ["đăng ký theo danh sách"] = "registering by a list of persons",
        ["gia hạn theo danh sách"] = "extending by a list of persons",
        ["nhiều người chung quyền"] = "several persons share the right",
        ["thực hiện qua người đại diện"] = "acting through a representative",
        ["Quân đội nhân dân, Công an nhân dân"] = "a member of the People's Army or the People's Public Security",
        ["cha hoặc mẹ là người nước ngoài"] = "a parent is a foreigner",
        ["trẻ sinh ra ở nước ngoài"] = "the child was born abroad",
        ["nhà đầu tư nước ngoài"] = "a foreign investor",
        ["công trình thuộc dự án"] = "the works belong to a project",
    };

    /// <summary>English of the case texts of the seeded procedures that open with a case word.</summary>
    private static readonly Dictionary<string, string> CaseEnglish = new(StringComparer.Ordinal)
    {
        ["trường hợp ủy quyền"] = "acting under an authorisation",
        ["trường hợp trẻ bị bỏ rơi"] = "an abandoned child",
        ["trường hợp mang thai hộ"] = "a surrogate birth",
        ["trường hợp cấp lại"] = "a reissue",
        ["trường hợp chết đã lâu, không có Giấy báo tử"] = "a death long ago without a death notice",
        ["trường hợp thuộc diện phải có"] = "where the law requires it",
        ["trường hợp tách hộ sau ly hôn"] = "separating a household after a divorce",
        ["trường hợp bị tước quyền sử dụng"] = "the licence was withdrawn",
        ["trường hợp vay vốn tự xây dựng, cải tạo nhà ở"] = "borrowing to build or renovate one's own home",
        ["khi không khai thác được từ cơ sở dữ liệu"] = "the data cannot be read from the databases",
        ["khi cần xác định thẩm quyền"] = "the competent authority must be determined",
        ["khi chưa có thông tin trong CSDL quốc gia về dân cư"] = "the person is not yet in the national population database",
        ["khi thuộc diện"] = "where the law requires it",
        ["khi có nhu cầu hoặc thuộc diện"] = "when wanted or required by law",
        ["khi có nhu cầu đo đạc lại"] = "a new survey is wanted",
        ["nếu di chúc liên quan tài sản phải đăng ký"] = "the will concerns registrable property",
        ["theo từng trường hợp"] = "depending on the case",
        ["cơ sở tín ngưỡng, tôn giáo, cơ sở trợ giúp xã hội, phương tiện dùng để ở, lực lượng vũ trang"]
            = "living at a religious establishment or a social-support facility, in a dwelling vehicle, or in the armed forces",
    };

    private const string IfAny = "(nếu có)";
    private const string IfNone = "(nếu không có";
    private const string PerCase = "theo từng trường hợp";

    /// <summary>The component as the law lists it: its code and text, required unless a case or "(nếu có)" says otherwise.</summary>
    public static RequiredDocument Classify(string code, string text)
    {
        if (CaseOf(text) is { } @case) return new RequiredDocument(code, text, Required: false, Case: @case);
        return new RequiredDocument(code, text, Required: !IsOptional(text));
    }

    /// <summary>
    /// "(nếu có)" makes the whole component optional, unless it qualifies only a part joined by "và" or "hoặc"
    /// ("giấy tờ về quyền sử dụng đất … và sơ đồ nhà ở (nếu có)": the certificate is still required).
    /// </summary>
    public static bool IsOptional(string text)
    {
        var at = text.IndexOf(IfAny, StringComparison.Ordinal);
        if (at < 0) return false;
        var before = text[..at];
        var after = text[(at + IfAny.Length)..];
        return !before.Contains(" và ", StringComparison.Ordinal) && !after.TrimStart(',', ' ').StartsWith("hoặc", StringComparison.Ordinal);
    }

    /// <summary>The case a component applies to, or null when it applies to every dossier (or is merely optional).</summary>
    public static DocumentCase? CaseOf(string text)
    {
        if (text.Contains(IfNone, StringComparison.Ordinal)) return null; // names a substitute of a required document
        foreach (var word in CaseWords)
        {
            var at = text.IndexOf(word, StringComparison.Ordinal);
            if (at < 0) continue;
            var inner = Parenthetical(text, at);
            if (inner is null || inner == "nếu có") continue;
            return Case(inner);
        }
        // "Các giấy tờ khác theo từng trường hợp (cơ sở tín ngưỡng, …)": the cases are those listed in the parenthetical.
        if (text.Contains(PerCase, StringComparison.Ordinal))
            return TrailingParenthetical(text) is { } listed ? Case(listed) : Case(PerCase);
        return TrailingParenthetical(text) is { } trailing && NamedCases.ContainsKey(trailing) ? Case(trailing) : null;
    }

    /// <summary>A case from its Vietnamese text: its key (ASCII, hyphenated) and its English where known.</summary>
    public static DocumentCase Case(string vi)
    {
        var en = NamedCases.GetValueOrDefault(vi) ?? CaseEnglish.GetValueOrDefault(vi);
        return new DocumentCase(Key(vi), vi, en ?? $"the case stated in Vietnamese: {vi}");
    }

    /// <summary>"chỗ ở thuê, mượn, ở nhờ" → "cho-o-thue-muon-o-nho": Vietnamese letters without marks, words joined by hyphens.</summary>
    public static string Key(string vi)
    {
        var sb = new StringBuilder(vi.Length);
        foreach (var c in vi.Replace('đ', 'd').Replace('Đ', 'D').Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        return sb.ToString().Trim('-');
    }

    private static string? Parenthetical(string text, int open)
    {
        var close = text.IndexOf(')', open);
        return close < 0 ? null : text[(open + 1)..close].Trim();
    }

    private static string? TrailingParenthetical(string text)
    {
        var t = text.TrimEnd();
        if (!t.EndsWith(')')) return null;
        var open = t.LastIndexOf('(');
        return open < 0 ? null : t[(open + 1)..^1].Trim();
    }
}
