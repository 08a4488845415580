namespace Procedures.Processing.Feedback;

/// <summary>
/// Configuration section "Feedback": rating levels and reasons (section "Feedback:Rating"), feedback categories with
/// their handling periods, the signing key of the links sent with results. Lists left empty take the shipped defaults
/// (a configured list replaces the default one as a whole).
/// </summary>
public sealed class FeedbackSettings
{
    public const string Section = "Feedback";

    public RatingSettings Rating { get; set; } = new();

    /// <summary>Categories (code, names, working days to answer); empty: <see cref="DefaultCategories"/>.</summary>
    public List<FeedbackCategory> Categories { get; set; } = [];

    /// <summary>Working days to answer a category that does not set its own.</summary>
    public int DefaultWorkingDays { get; set; } = 10;

    public IReadOnlyList<FeedbackCategory> EffectiveCategories => Categories.Count > 0 ? Categories : DefaultCategories;

    /// <summary>The two classes of KPI766 5.1: about regulations and procedures, about officials' behaviour.</summary>
    public static readonly FeedbackCategory[] DefaultCategories =
    [
        new() { Code = "procedure", Vi = "Phản ánh, kiến nghị về quy định hành chính, thủ tục hành chính", En = "About regulations and procedures" },
        new() { Code = "staff", Vi = "Phản ánh, kiến nghị về hành vi của cán bộ, công chức", En = "About officials' conduct" },
    ];
}

public sealed class RatingSettings
{
    /// <summary>Levels; empty: very-satisfied / satisfied / dissatisfied (reasons required).</summary>
    public List<RatingLevel> Levels { get; set; } = [];

    /// <summary>Reasons a dissatisfied applicant picks from; empty: <see cref="DefaultReasons"/>.</summary>
    public List<RatingReason> Reasons { get; set; } = [];

    /// <summary>HMAC-SHA256 key of the rating links (at least 32 characters). Without one, no link is issued.</summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a link sent with the result stays valid.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Prefix of the links (the public address of this service); relative links without it.</summary>
    public string? PublicBaseUrl { get; set; }

    public IReadOnlyList<RatingLevel> EffectiveLevels => Levels.Count > 0 ? Levels : DefaultLevels;
    public IReadOnlyList<RatingReason> EffectiveReasons => Reasons.Count > 0 ? Reasons : DefaultReasons;

    public byte[]? Key => SigningKey is { Length: >= 32 } k ? System.Text.Encoding.UTF8.GetBytes(k) : null;

    public static readonly RatingLevel[] DefaultLevels =
    [
        new() { Code = "very-satisfied", Vi = "Rất hài lòng", En = "Very satisfied", Satisfied = true },
        new() { Code = "satisfied", Vi = "Hài lòng", En = "Satisfied", Satisfied = true },
        new() { Code = "dissatisfied", Vi = "Không hài lòng", En = "Dissatisfied", Satisfied = false, ReasonsRequired = true },
    ];

    public static readonly RatingReason[] DefaultReasons =
    [
        new() { Code = "late", Vi = "Trả kết quả trễ hẹn", En = "Result returned late" },
        new() { Code = "attitude", Vi = "Thái độ của cán bộ chưa đúng mực", En = "The officer's conduct" },
        new() { Code = "guidance", Vi = "Hướng dẫn không rõ ràng, đầy đủ", En = "Unclear or incomplete guidance" },
        new() { Code = "extra-documents", Vi = "Yêu cầu giấy tờ ngoài quy định", En = "Documents asked beyond the rules" },
        new() { Code = "other", Vi = "Lý do khác", En = "Another reason" },
    ];
}

public sealed class RatingLevel
{
    public string Code { get; set; } = "";
    public string Vi { get; set; } = "";
    public string En { get; set; } = "";

    /// <summary>Counts as satisfied in the index (satisfied + very satisfied).</summary>
    public bool Satisfied { get; set; }
    public bool ReasonsRequired { get; set; }
}

public sealed class RatingReason
{
    public string Code { get; set; } = "";
    public string Vi { get; set; } = "";
    public string En { get; set; } = "";
}

public sealed class FeedbackCategory
{
    public string Code { get; set; } = "";
    public string Vi { get; set; } = "";
    public string En { get; set; } = "";

    /// <summary>Working days to answer; null: <see cref="FeedbackSettings.DefaultWorkingDays"/>.</summary>
    public int? WorkingDays { get; set; }
}
