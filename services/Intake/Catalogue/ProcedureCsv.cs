using System.Globalization;
using System.Text;
using Procedures.Contracts;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Catalogue;

/// <summary>One valid row of the seed format, cleaned (NFC, trimmed; empty cells null). <see cref="Line"/> is where it starts.</summary>
public sealed record ProcedureCsvRow(
    int Line,
    ProcedureCode Code,
    string Name,
    string Field,
    ProcedureLevel? Level,
    ProcessingTime? ProcessingTime,
    long? FeeVnd,
    OnlineServiceLevel OnlineLevel,
    string? ResultText,
    string? RequiredDocuments,
    string? Source,
    string? Notes,
    bool? PaperResult = null,
    DateOnly? OnlineLevelSince = null,
    string? FieldCode = null);

/// <summary>
/// Reads the seed format (RFC 4180 CSV, UTF-8, header
/// <c>code,name,field,level,processing_time,processing_unit,fee_vnd,online_level,result_form,required_documents,source,notes,paper_result,online_level_since</c>;
/// the header without the last two columns, as written before they existed, is read as if they were empty).
/// <c>paper_result</c> is true, false, unknown or empty (unknown); <c>online_level_since</c> a yyyy-MM-dd date, only with a
/// known online level. The long header may be followed by <c>field_code</c> (MaLinhVuc; empty: the register's code for
/// the field). Every broken rule is reported as a field error named <c>rows[LINE].column</c> (LINE = the record's first line in the
/// text, the header being line 1); a text with any error yields no rows.
/// </summary>
public static class ProcedureCsv
{
    public static readonly string[] Header =
        ["code", "name", "field", "level", "processing_time", "processing_unit", "fee_vnd", "online_level", "result_form",
         "required_documents", "source", "notes", "paper_result", "online_level_since"];

    /// <summary>The header before paper_result and online_level_since (issue 24): still read, the two cells empty.</summary>
    private static readonly string[] ShortHeader = Header[..12];

    /// <summary>A column a text may add after <see cref="Header"/> (the seed file has none of them).</summary>
    public static readonly string[] OptionalColumns = ["field_code"];

    public const int MaxRows = 5000;
    public const int MaxDocumentsCell = 20_000;

    private static readonly Dictionary<string, ProcessingUnit> CsvUnits = new(StringComparer.Ordinal)
    {
        ["working_days"] = ProcessingUnit.WorkingDays, ["calendar_days"] = ProcessingUnit.CalendarDays, ["working_hours"] = ProcessingUnit.WorkingHours,
        ["working-days"] = ProcessingUnit.WorkingDays, ["calendar-days"] = ProcessingUnit.CalendarDays, ["working-hours"] = ProcessingUnit.WorkingHours,
    };

    public static (IReadOnlyList<ProcedureCsvRow> Rows, IReadOnlyList<FieldError> Errors) Read(string text)
    {
        var errors = new List<FieldError>();
        var records = Split(text, errors);
        if (errors.Count > 0) return ([], errors);
        List<string> header = records.Count == 0 ? [] : records[0].Fields.Select(f => f.Trim()).ToList();
        var columns = header.SequenceEqual(Header, StringComparer.Ordinal) ? Header.Length
            : header.SequenceEqual([.. Header, .. OptionalColumns], StringComparer.Ordinal) ? Header.Length + OptionalColumns.Length
            : header.SequenceEqual(ShortHeader, StringComparer.Ordinal) ? ShortHeader.Length : 0;
        if (columns == 0)
        {
            errors.Add(new("header", "header", $"Dòng tiêu đề phải là: {string.Join(",", Header)}", $"The header line must be: {string.Join(",", Header)}"));
            return ([], errors);
        }
        if (records.Count - 1 > MaxRows)
        {
            errors.Add(Rules.MaxItems("rows", "Số dòng thủ tục", "The number of rows", MaxRows));
            return ([], errors);
        }

        var rows = new List<ProcedureCsvRow>();
        var lineOfCode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0) continue; // a blank line
            var at = $"rows[{line}]";
            if (fields.Count != columns)
            {
                errors.Add(new(at, "columns", $"Dòng phải có đúng {columns} cột (có {fields.Count})",
                    $"A row has exactly {columns} columns (this one has {fields.Count})"));
                continue;
            }
            while (fields.Count < Header.Length) fields.Add("");
            var before = errors.Count;
            string? Cell(int i) => Rules.Text(fields[i], $"{at}.{Header[i]}", errors);
            bool Blank(int i) => errors.Skip(before).All(e => e.Field != $"{at}.{Header[i]}");

            var codeText = Cell(0);
            ProcedureCode? code = null;
            if (codeText is null) { if (Blank(0)) errors.Add(Rules.Required($"{at}.code", "Mã thủ tục", "The code")); }
            else if (!ProcedureCode.TryParse(codeText, out code))
                errors.Add(Rules.Format($"{at}.code", "Mã thủ tục", "The code", "ví dụ 1.000948 hoặc 1.000948.H29", "e.g. 1.000948 or 1.000948.H29"));
            else if (!lineOfCode.TryAdd(code.Value.Value, line))
                errors.Add(new($"{at}.code", "unique", $"Mã thủ tục đã có ở dòng {lineOfCode[code.Value.Value]}",
                    $"The code already occurs on line {lineOfCode[code.Value.Value]}"));

            var name = Cell(1);
            if (name is null) { if (Blank(1)) errors.Add(Rules.Required($"{at}.name", "Tên thủ tục", "The name")); }
            else if (name.Length > ProcedureInputRules.MaxName) errors.Add(Rules.MaxLength($"{at}.name", "Tên thủ tục", "The name", ProcedureInputRules.MaxName));
            var field = Cell(2);
            if (field is null) { if (Blank(2)) errors.Add(Rules.Required($"{at}.field", "Lĩnh vực", "The field")); }
            else if (field.Length > ProcedureInputRules.MaxField) errors.Add(Rules.MaxLength($"{at}.field", "Lĩnh vực", "The field", ProcedureInputRules.MaxField));

            ProcedureLevel? level = null;
            if (Cell(3) is { } levelText)
            {
                if (ProcedureInputRules.Levels.TryGetValue(levelText, out var known)) level = known;
                else errors.Add(Rules.OneOf($"{at}.level", "Cấp thực hiện (để trống khi cả hai cấp)", "The level (empty for both)",
                    ProcedureInputRules.Levels.Keys));
            }

            var time = ReadTime(Cell(4), Cell(5), at, errors);

            long? fee = null;
            if (Cell(6) is { } feeText)
            {
                if (!long.TryParse(feeText, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
                    errors.Add(Rules.Format($"{at}.fee_vnd", "Mức phí (VNĐ)", "The fee in VND", "số nguyên, không dấu phân cách", "a whole number without separators"));
                else if (amount > ProcedureInputRules.MaxFeeVnd)
                    errors.Add(Rules.Range($"{at}.fee_vnd", "Mức phí (VNĐ)", "The fee in VND", 0, ProcedureInputRules.MaxFeeVnd));
                else fee = amount;
            }

            var online = OnlineServiceLevel.Unknown;
            if (Cell(7) is { } onlineText && !ProcedureInputRules.OnlineLevels.TryGetValue(onlineText, out online))
                errors.Add(Rules.OneOf($"{at}.online_level", "Mức độ dịch vụ công trực tuyến", "The online level", ProcedureInputRules.OnlineLevels.Keys));

            var result = Cell(8);
            if (result is { Length: > ProcedureInputRules.MaxResult })
                errors.Add(Rules.MaxLength($"{at}.result_form", "Kết quả", "The result", ProcedureInputRules.MaxResult));
            var documents = Cell(9);
            if (documents is { Length: > MaxDocumentsCell })
                errors.Add(Rules.MaxLength($"{at}.required_documents", "Thành phần hồ sơ", "The documents", MaxDocumentsCell));
            else if (documents is not null && SourceRules.Documents(documents) is { Count: > ProcedureInputRules.MaxDocuments })
                errors.Add(Rules.MaxItems($"{at}.required_documents", "Thành phần hồ sơ", "The documents", ProcedureInputRules.MaxDocuments));
            var source = Cell(10);
            if (source is { Length: > ProcedureInputRules.MaxSource })
                errors.Add(Rules.MaxLength($"{at}.source", "Nguồn", "The source", ProcedureInputRules.MaxSource));
            var notes = Cell(11);
            if (notes is { Length: > ProcedureInputRules.MaxNotes })
                errors.Add(Rules.MaxLength($"{at}.notes", "Ghi chú", "The notes", ProcedureInputRules.MaxNotes));

            bool? paper = null;
            if (Cell(12) is { } paperText)
            {
                if (ProcedureInputRules.PaperResultValues.TryGetValue(paperText, out var written)) paper = PaperResults.Fact(written);
                else errors.Add(Rules.OneOf($"{at}.paper_result", "Kết quả phải là bản giấy (bản chính)", "Whether the result must be a paper original",
                    ProcedureInputRules.PaperResultValues.Keys));
            }
            DateOnly? since = null;
            if (Cell(13) is { } sinceText)
            {
                if (!Rules.TryParseDate(sinceText, out var date))
                    errors.Add(Rules.Date($"{at}.online_level_since", "Ngày áp dụng mức độ dịch vụ công trực tuyến", "The date the online level took effect"));
                else
                {
                    since = date;
                    ProcedureInputRules.CheckLevelSince(online, $"{at}.online_level_since", errors);
                }
            }

            var fieldCode = fields.Count > Header.Length ? ProcedureFields.Check(fields[Header.Length], $"{at}.field_code", errors) : null;

            if (errors.Count == before)
                rows.Add(new ProcedureCsvRow(line, code!.Value, name!, field!, level, time, fee, online, result, documents, source, notes, paper, since,
                    fieldCode ?? ProcedureFields.CodeOf(field)));
        }
        return errors.Count > 0 ? ([], errors) : (rows, errors);
    }

    private static ProcessingTime? ReadTime(string? amountText, string? unitText, string at, List<FieldError> errors)
    {
        int amount = 0;
        var amountOk = amountText is not null && int.TryParse(amountText, NumberStyles.None, CultureInfo.InvariantCulture, out amount);
        if (amountText is not null && !amountOk)
            errors.Add(Rules.Format($"{at}.processing_time", "Thời hạn giải quyết", "The processing time", "số nguyên dương", "a positive whole number"));
        else if (amountOk && amount is < 1 or > ProcedureInputRules.MaxDays)
            errors.Add(Rules.Range($"{at}.processing_time", "Thời hạn giải quyết", "The processing time", 1, ProcedureInputRules.MaxDays));
        var unit = default(ProcessingUnit);
        if (unitText is not null && !CsvUnits.TryGetValue(unitText, out unit))
            errors.Add(Rules.OneOf($"{at}.processing_unit", "Đơn vị thời hạn", "The processing unit", ["working_days", "calendar_days", "working_hours"]));
        if ((amountText is null) != (unitText is null))
            errors.Add(new($"{at}.processing_unit", "paired", "Thời hạn và đơn vị thời hạn phải cùng có hoặc cùng để trống",
                "processing_time and processing_unit are both given or both empty"));
        return amountOk && unitText is not null && CsvUnits.ContainsKey(unitText) && amount is >= 1 and <= ProcedureInputRules.MaxDays
            ? new ProcessingTime(amount, unit) : null;
    }

    /// <summary>RFC 4180 records with the line each starts on. A stray quote inside an unquoted field is an error.</summary>
    internal static List<(int Line, List<string> Fields)> Split(string text, List<FieldError> errors)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var atFieldStart = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (atFieldStart && c == '"')
            {
                // Quoted field: up to the closing quote; "" is a quote; line breaks belong to the field.
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        closed = true;
                        break;
                    }
                    if (text[i] == '\n') line++;
                    field.Append(text[i++]);
                }
                if (!closed)
                {
                    errors.Add(new($"rows[{recordLine}]", "quote", "Thiếu dấu ngoặc kép đóng", "A quoted field is not closed"));
                    return records;
                }
                atFieldStart = false;
                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    errors.Add(new($"rows[{recordLine}]", "quote", "Sau dấu ngoặc kép đóng phải là dấu phẩy hoặc xuống dòng",
                        "A closing quote must be followed by a comma or a line break"));
                    return records;
                }
                continue;
            }
            switch (c)
            {
                case ',':
                    fields.Add(field.ToString()); field.Clear(); atFieldStart = true; i++;
                    break;
                case '\r' or '\n':
                    fields.Add(field.ToString()); field.Clear(); atFieldStart = true;
                    records.Add((recordLine, fields)); fields = [];
                    i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    line++;
                    recordLine = line;
                    break;
                case '"':
                    errors.Add(new($"rows[{recordLine}]", "quote", "Dấu ngoặc kép chỉ được ở đầu ô (ô có dấu phẩy phải đặt trong ngoặc kép)",
                        "A quote may only open a field (a field with commas must be quoted)"));
                    return records;
                default:
                    field.Append(c); atFieldStart = false; i++;
                    break;
            }
        }
        if (!atFieldStart || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((recordLine, fields));
        }
        return records;
    }
}
