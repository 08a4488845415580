using System.Globalization;
using System.Text.RegularExpressions;
using Procedures.Contracts;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// How a row of the seed format (hcmc-procedures.csv, docs/data-sources.md#procedures) becomes a procedure, and how an import merges a
/// row into the current version. An empty cell is "not stated by the source" and stays null; nothing is invented.
/// </summary>
public static partial class SourceRules
{
    public const string DocumentCodePrefix = "TP";
    public const string FeeCodePrefix = "PL";
    /// <summary>The CSV gives one amount and does not say whether it is a phí or a lệ phí.</summary>
    public const string CsvFeeName = "Phí, lệ phí";
    public const string DocumentSeparator = "; ";

    public static string ItemCode(string prefix, int n) => prefix + n.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>The procedure a row describes on its own (a new code, or the seed).</summary>
    public static ProcedureContent ToContent(ProcedureCsvRow row) => new(
        row.Name, row.Field, row.Level, DecidingAgencies.FromSource(row.Level, row.Field),
        Documents(row.RequiredDocuments), Fees(row.FeeVnd, row.Notes), row.ProcessingTime, OnlineProcessingTime(row.Notes, row.ProcessingTime),
        row.OnlineLevel, row.ResultText, ResultFormOf(row.ResultText), BoundaryFree: null, EffectiveFrom: null, PublishedOn: null,
        row.Source, row.Notes, row.PaperResult, row.OnlineLevelSince, row.FieldCode);

    /// <summary>
    /// The next content of a procedure that exists, from a row of an import. A row says only what the seed format can
    /// say, so: what the format cannot express (deciding agency set by an administrator, dates, boundary-free reception,
    /// fee and document details) is kept; an empty cell (or online level "unknown") never erases a stated value; a
    /// stated value that differs from the current one's form in the CSV replaces it (paper_result "unknown" is an empty cell). Unchanged input gives back
    /// <paramref name="current"/>'s content unchanged, so a re-import creates no version.
    /// </summary>
    public static ProcedureContent Merge(ProcedureContent current, ProcedureCsvRow row)
    {
        // The field code follows the field: a row's code (stated or the register's) replaces it; a field renamed without one drops it.
        var next = current with
        {
            Name = row.Name, Field = row.Field,
            FieldCode = row.FieldCode ?? (row.Field == current.Field ? current.FieldCode : null),
        };
        if (row.Level is not null) next = next with { Level = row.Level };
        if (row.ProcessingTime is not null && row.ProcessingTime != current.ProcessingTime) next = next with { ProcessingTime = row.ProcessingTime };
        if (row.FeeVnd is { } fee && (FeeCell(current.Fees) != fee || OnlineFeeOf(current.Fees) != OnlineFee(row.Notes ?? current.Notes, fee)))
            next = next with { Fees = Fees(fee, row.Notes ?? current.Notes) };
        // A date belongs to the level it is given with: a new level takes the row's date (none: not recorded).
        if (row.OnlineLevel != OnlineServiceLevel.Unknown && row.OnlineLevel != current.OnlineLevel)
            next = next with { OnlineLevel = row.OnlineLevel, OnlineLevelSince = row.OnlineLevelSince };
        else if (row.OnlineLevelSince is { } since) next = next with { OnlineLevelSince = since };
        if (row.PaperResult is { } paper) next = next with { PaperResult = paper };
        if (row.RequiredDocuments is { } documents && DocumentsCell(current.Documents) != documents) next = next with { Documents = Documents(documents) };
        if (row.ResultText is { } result && result != current.ResultText) next = next with { ResultText = result, ResultForm = ResultFormOf(result) };
        if (row.Source is { } source) next = next with { Source = source };
        if (row.Notes is { } notes && notes != current.Notes)
        {
            next = next with { Notes = notes };
            if (OnlineProcessingTime(notes, next.ProcessingTime) is { } online) next = next with { OnlineProcessingTime = online };
        }
        // A rule marker follows the level and field it was derived from; an agency an administrator named stays.
        if (current.DecidingAgency is null || DecidingAgencies.IsMarker(current.DecidingAgency))
            next = next with { DecidingAgency = DecidingAgencies.FromSource(next.Level, next.Field) };
        return next;
    }

    /// <summary>
    /// Splits required_documents on "; " into components TP01, TP02…, each classified from its text by
    /// <see cref="ComponentCases.Classify"/> (required, conditional with its case, or optional).
    /// </summary>
    public static IReadOnlyList<RequiredDocument> Documents(string? cell)
        => (cell ?? "").Split(DocumentSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((name, i) => ComponentCases.Classify(ItemCode(DocumentCodePrefix, i + 1), name))
            .ToList();

    /// <summary>
    /// fee_vnd: empty = not published (null); 0 = free (no fee); an amount = one fee of that amount, payable-when unknown.
    /// Where the notes quote a different online rate ("direct 20,000 đ, online 10,000 đ"), fee_vnd is the in-person and
    /// postal fee and the online rate a second fee charged online only (docs/domain.md#fees-per-channel).
    /// </summary>
    public static IReadOnlyList<Fee>? Fees(long? feeVnd, string? notes = null) => feeVnd switch
    {
        null => null,
        0 => [],
        var amount when OnlineFee(notes, amount.Value) is { } online =>
        [
            new Fee(ItemCode(FeeCodePrefix, 1), CsvFeeName, amount.Value, PayableWhen: null, [FeeChannel.InPerson, FeeChannel.Postal]),
            new Fee(ItemCode(FeeCodePrefix, 2), CsvFeeName, online, PayableWhen: null, [FeeChannel.Online]),
        ],
        var amount => [new Fee(ItemCode(FeeCodePrefix, 1), CsvFeeName, amount.Value, PayableWhen: null)],
    };

    /// <summary>The online rate the notes quote ("online 10,000 đ"), where it differs from the in-person fee.</summary>
    public static long? OnlineFee(string? notes, long inPerson)
    {
        if (notes is null || OnlineRate().Match(notes) is not { Success: true } m) return null;
        var amount = long.Parse(m.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture);
        return amount == inPerson ? null : amount;
    }

    /// <summary>The online-only fee of a fee table, as <see cref="OnlineFee"/> would have derived it.</summary>
    private static long? OnlineFeeOf(IReadOnlyList<Fee>? fees)
        => fees?.Where(f => f.Channels is [FeeChannel.Online]).Select(f => (long?)f.AmountVnd).FirstOrDefault();

    /// <summary>
    /// The online term, where the row's notes quote one for the online channel that differs from the in-person term
    /// ("direct 5, online 15, postal 20 ngày làm việc", "online and postal 20 \"Ngày\""); in the unit of the in-person
    /// term, which those notes share. Amounts written with thousands separators (fees: "online 10,000 đ") do not match.
    /// </summary>
    public static ProcessingTime? OnlineProcessingTime(string? notes, ProcessingTime? inPerson)
    {
        if (notes is null || inPerson is null) return null;
        var m = OnlineTerm().Match(notes);
        if (!m.Success || !int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)) return null;
        return amount == inPerson.Amount ? null : inPerson with { Amount = amount };
    }

    /// <summary>
    /// The form of the result, only where the text is unambiguous: every part (split on "; ") names a database or
    /// information-system update or an electronic document → electronic; every part a paper copy ("bản giấy") → paper;
    /// both kinds and nothing else → both. Anything else, e.g. "Giấy khai sinh", which is issued on paper and
    /// electronically, is unknown.
    /// </summary>
    public static ResultForm ResultFormOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return ResultForm.Unknown;
        bool electronic = false, paper = false;
        foreach (var part in text.Split(DocumentSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var p = part.ToLower(CultureInfo.InvariantCulture);
            if (p.Contains("cơ sở dữ liệu", StringComparison.Ordinal) || p.Contains("hệ thống thông tin", StringComparison.Ordinal)
                || p.Contains("điện tử", StringComparison.Ordinal))
                electronic = true;
            else if (p.Contains("bản giấy", StringComparison.Ordinal))
                paper = true;
            else
                return ResultForm.Unknown;
        }
        return (electronic, paper) switch
        {
            (true, true) => ResultForm.Both,
            (true, false) => ResultForm.Electronic,
            (false, true) => ResultForm.Paper,
            _ => ResultForm.Unknown,
        };
    }

    /// <summary>The fee as the CSV would write it: null unknown, 0 free, else the in-person total.</summary>
    public static long? FeeCell(IReadOnlyList<Fee>? fees) => fees?.Where(f => f.AppliesTo(SubmissionChannel.InPerson)).Sum(f => f.AmountVnd);

    /// <summary>The documents as the CSV would write them.</summary>
    public static string? DocumentsCell(IReadOnlyList<RequiredDocument> documents)
        => documents.Count == 0 ? null : string.Join(DocumentSeparator, documents.Select(d => d.Name));

    [GeneratedRegex(@"\bonline (?<n>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+) đ")]
    private static partial Regex OnlineRate();

    [GeneratedRegex(@"\bonline(?: and postal)? (?<n>[0-9]{1,4})(?![0-9]|[,.][0-9])", RegexOptions.IgnoreCase)]
    private static partial Regex OnlineTerm();
}
