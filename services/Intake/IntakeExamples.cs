namespace Procedures.Intake;

/// <summary>Example bodies shown in Intake's OpenAPI document (realistic values from the seeded catalogue).</summary>
internal static class IntakeExamples
{
    public const string Code = "26740.H29-261129-0001";

    public static readonly object SubmitRequest = new
    {
        procedureCode = "1.004222",
        receivingUnit = "26740.H29",
        channel = 2,
        applicant = new { kind = "citizen", name = "Nguyễn Văn An", citizenId = "079203001234", phone = "0912345678", email = "an@example.vn", vneidLevel2 = true },
        summary = "Đăng ký thường trú tại chỗ ở thuê",
        // A renter declares the case of the rental contract (TP03); an owner declares none and leaves TP03 out.
        cases = new[] { "cho-o-thue-muon-o-nho" },
        documents = new object[]
        {
            new { componentCode = "TP01", documentId = "3f2b1c9e-6a51-4f0e-9d7b-2c4e8a1f0b6d" },
            new { componentCode = "TP02", reusedFrom = "KQ-2025-000123", fromCitizenStore = true },
            new { componentCode = "TP03", documentId = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f" },
        },
    };

    public static readonly object SubmitResponse = new { dossierCode = Code, status = 1, submittedAt = "2026-11-28T18:29:01Z" };

    public static readonly object Dossier = new
    {
        code = Code, procedureCode = "1.003677", receivingUnit = "26740.H29", channel = 2, applicantName = "Nguyễn Văn An",
        submittedAt = "2026-11-28T18:29:01Z", decidingAgency = "26737.H29",
        documents = new object[]
        {
            new { componentCode = "TP01", documentId = "3f2b1c9e-6a51-4f0e-9d7b-2c4e8a1f0b6d", fileName = "to-khai.pdf", digitised = true, reused = false,
                  fromCitizenStore = false, sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" },
        },
    };

    /// <summary>A page lists dossiers without their documents (read one dossier for those).</summary>
    public static readonly object DossierPage = new
    {
        items = new[]
        {
            new
            {
                code = Code, procedureCode = "1.003677", receivingUnit = "26740.H29", channel = 2, applicantName = "Nguyễn Văn An",
                submittedAt = "2026-11-28T18:29:01Z", decidingAgency = "26737.H29", documents = (object[]?)null,
            },
        },
        nextAfter = (string?)null,
    };

    public static readonly object Document = new
    {
        id = "3f2b1c9e-6a51-4f0e-9d7b-2c4e8a1f0b6d", sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        size = 48213, mediaType = "application/pdf", digitised = true,
    };

    public static readonly object ProcedureSearch = new
    {
        items = new[]
        {
            new
            {
                code = "1.004222", version = 1, status = "published", name = "Đăng ký thường trú", field = "Đăng ký, quản lý cư trú",
                level = "commune", decidingAgency = "commune-police", processingTime = new { amount = 7, unit = "working-days" },
                onlineLevel = "unknown", feeBearing = true, fieldCode = "BCA-CUTRU",
            },
        },
        total = 1, limit = 50, offset = 0,
    };

    public static readonly object ReceivingUnit = new
    {
        id = "26740.H29", name = "Phường Sài Gòn", type = "phuong", level = "commune", adminCode = "26740", localScheme = true,
    };

    public static readonly object ProcedureInput = new
    {
        code = "1.004222.H29", name = "Đăng ký thường trú", field = "Đăng ký, quản lý cư trú", fieldCode = "BCA-CUTRU", level = "commune",
        decidingAgency = "commune-police",
        documents = new object[]
        {
            new { code = "TP01", name = "Tờ khai thay đổi thông tin cư trú (Mẫu CT01)", kind = "required" },
            new { code = "TP03", name = "Hợp đồng, văn bản cho thuê, cho mượn, cho ở nhờ", kind = "conditional", @case = "chỗ ở thuê, mượn, ở nhờ",
                  caseEn = "the residence is rented, borrowed or lodged in" },
        },
        fees = new[]
        {
            new { code = "LP01", name = "Lệ phí đăng ký cư trú", amountVnd = 20000, payableWhen = "on-submission", channels = new[] { "in-person", "postal" } },
            new { code = "LP02", name = "Lệ phí đăng ký cư trú (trực tuyến)", amountVnd = 10000, payableWhen = "on-submission", channels = new[] { "online" } },
        },
        processingTime = new { amount = 7, unit = "working-days" }, onlineLevel = "partial", onlineLevelSince = "2026-01-01",
        resultForm = "electronic", paperResult = "false", boundaryFree = true, effectiveFrom = "2026-01-01", publishedOn = "2025-12-20",
    };

    public static readonly object ProcedureVersion = new
    {
        code = "1.004222", version = 1, status = "published", openForSubmission = true, name = "Đăng ký thường trú",
        field = "Đăng ký, quản lý cư trú", fieldCode = "BCA-CUTRU", level = "commune", decidingAgency = "commune-police",
        documents = new object[]
        {
            new { code = "TP01", name = "Tờ khai thay đổi thông tin cư trú (Mẫu CT01, Thông tư 53/2025/TT-BCA)", required = true, kind = "required" },
            new
            {
                code = "TP03", name = "Hợp đồng, văn bản cho thuê, cho mượn, cho ở nhờ được công chứng hoặc chứng thực (chỗ ở thuê, mượn, ở nhờ)",
                required = false, kind = "conditional",
                @case = new { key = "cho-o-thue-muon-o-nho", vi = "chỗ ở thuê, mượn, ở nhờ", en = "the residence is rented, borrowed or lodged in" },
            },
        },
        fees = new[]
        {
            new { code = "PL01", name = "Phí, lệ phí", amountVnd = 20000, payableWhen = (string?)null, channels = new[] { "in-person", "postal" } },
            new { code = "PL02", name = "Phí, lệ phí", amountVnd = 10000, payableWhen = (string?)null, channels = new[] { "online" } },
        },
        feeBearing = true, processingTime = new { amount = 7, unit = "working-days" }, onlineLevel = "unknown", onlineLevelSince = (string?)null,
        resultForm = "unknown", paperResult = "unknown", boundaryFree = (bool?)null, effectiveFrom = (string?)null, publishedOn = (string?)null, publishedOnTime = (bool?)null,
        createdAt = "2026-11-28T18:20:00Z",
    };

    public static readonly object ProcedureDetail = new
    {
        current = ProcedureVersion,
        versions = new[] { new { version = 1, status = "published", createdAt = "2026-11-28T18:20:00Z" } },
    };

    public static readonly Catalogue.ImportReport ImportReport = new(["1.014063", "1.014064"], ["1.004222"], ["1.003677"]);

    /// <summary>A stored document as its owner reads it (GET /api/v1/documents/{id}).</summary>
    public static readonly Documents.DocumentInfo StoredDocument = new(Guid.Parse("3f2b1c9e-6a51-4f0e-9d7b-2c4e8a1f0b6d"),
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 48213, "application/pdf", true, "TP01", "to-khai.pdf",
        "26740.H29", DateTimeOffset.Parse("2026-11-28T18:25:00Z", System.Globalization.CultureInfo.InvariantCulture), Code);
}
