using Microsoft.AspNetCore.Http.HttpResults;
using Procedures.Contracts;
using Procedures.Reporting.Kpi.Agencies;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>
/// POST /api/v1/kpi/evaluate: the index of posted dossier and procedure facts (an agency auditing its own export),
/// through the same tally and calculator as the live index, in the local view or the portal's (<c>view</c>; a dossier
/// posted with <c>synced: false</c> is one the portal does not hold). Nothing is stored. A dossier's <c>paperResult</c>
/// (must its result be a paper original) is that of the version it was submitted under; when not posted, the newest
/// posted version of its procedure gives it; neither: unknown.
/// </summary>
public static class EvaluateEndpoint
{
    public const int MaxDossiers = 100_000;
    public const int MaxProcedures = 10_000;

    public sealed record Dossier(
        string? Code, string? ProcedureCode, string? ReceivingUnit, string? DecidingAgency, [property: CodeList(typeof(SubmissionChannel))] int? Channel,
        DateTimeOffset? ReceivedAt, DateTimeOffset? OriginalDueAt, DateTimeOffset? EndedAt, [property: CodeList(typeof(DossierStatus))] int? EndStatus,
        int SupplementRequests, long PausedSeconds, DateTimeOffset? PendingSupplementSince, long FeeTotal, bool PaidOnline,
        bool Digitised, bool Reused, bool FromCitizenStore, bool PopulationData, bool Citizen, bool ElectronicResult,
        bool LateReception, bool? ApologyOnTime, bool Synced, bool SyncedCurrent, bool? PaperResult = null);

    public sealed record Procedure(string? Code, int Version, string? Name, string? Field, ProcedureLevel? Level, OnlineServiceLevel OnlineLevel,
        bool? FeeBearing, DateOnly? PublishedOn, bool? PublishedOnTime, bool? PaperResult = null, DateOnly? OnlineLevelSince = null);

    public sealed record Request(string? From, string? To, DateTimeOffset? JudgedAt, IReadOnlyList<Dossier>? Dossiers,
        IReadOnlyList<Procedure>? Procedures, [property: System.ComponentModel.Description(IndexViews.Description)] IndexView? View = null);

    public static IEndpointRouteBuilder MapKpiEvaluate(this IEndpointRouteBuilder app)
    {
        app.MapPost("/evaluate", HandleAsync).RequireScope(Scopes.Reporting).WithName("KpiEvaluate")
            .WithSummary("Compute the index from posted dossier and procedure facts (same rules as the live index; nothing stored)")
            .WithExamples(KpiExamples.EvaluateRequest, KpiExamples.Index)
            .ProducesProblems(StatusCodes.Status400BadRequest, KnownAgencies.ProblemType)
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable, KnownAgencies.NotLoaded);
        return app;
    }

    private static async Task<Results<Ok<IndexResult>, ProblemHttpResult>> HandleAsync(Request request, KpiRules rules, TimeProvider time,
        Npgsql.NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var now = time.GetUtcNow();
        var filter = PeriodInput.Read(request.From, request.To, null, null, null, now, errors);
        var procedures = Procedures(request.Procedures ?? [], errors);
        var dossiers = Dossiers(request.Dossiers ?? [], PaperResults(procedures), errors);
        if (filter is null || errors.Count > 0) return Problems.Validation(errors.Take(50).ToList());
        // Every unit and deciding agency of the posted facts must be in the register (the first 50 unknown are named).
        var named = dossiers.SelectMany((d, i) => new[] { ($"dossiers[{i}].receivingUnit", d.ReceivingUnit), ($"dossiers[{i}].decidingAgency", d.DecidingAgency) });
        if (await KnownAgencies.CheckAsync(db, named.ToList(), ct, limit: 50) is { } unknown) return unknown;
        var judgedAt = request.JudgedAt?.ToUniversalTime() ?? filter.JudgedAt(now);
        if (!InRange(judgedAt))
            return Problems.Validation([new("judgedAt", "range", "Thời điểm trong khoảng 2000–2100", "A moment between 2000 and 2100")]);
        return TypedResults.Ok(FactsIndex.Compute(dossiers, procedures, new Period(filter.From, filter.To), judgedAt, rules.For(filter.To),
            view: request.View ?? IndexView.Local));
    }

    /// <summary>The paper-result fact of each posted procedure's newest version.</summary>
    private static Dictionary<string, bool?> PaperResults(List<ProcedureVersionFact> versions)
        => versions.GroupBy(v => v.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.MaxBy(v => v.Version)!.PaperResult, StringComparer.Ordinal);

    private static List<DossierFact> Dossiers(IReadOnlyList<Dossier> posted, Dictionary<string, bool?> paperResults, List<FieldError> errors)
    {
        if (posted.Count > MaxDossiers)
        {
            errors.Add(new("dossiers", "max-items", $"Tối đa {MaxDossiers} hồ sơ mỗi lần", $"At most {MaxDossiers} dossiers per request"));
            return [];
        }
        var facts = new List<DossierFact>(posted.Count);
        for (var i = 0; i < posted.Count; i++)
        {
            var d = posted[i];
            var at = $"dossiers[{i}]";
            if (d is null) { errors.Add(new(at, "required", "Thiếu hồ sơ", "Missing dossier")); continue; }
            var code = TextInput.Clean(d.Code, at + ".code", errors);
            if (string.IsNullOrWhiteSpace(code) || code.Length > 64)
                errors.Add(new(at + ".code", "required", "Mã hồ sơ bắt buộc (tối đa 64 ký tự)", "Dossier code required (at most 64 characters)"));
            var procedure = PeriodInput.Code(d.ProcedureCode, at + ".procedureCode", errors);
            var unit = PeriodInput.Code(d.ReceivingUnit, at + ".receivingUnit", errors);
            var agency = PeriodInput.Code(d.DecidingAgency, at + ".decidingAgency", errors);
            if (d.Channel is { } ch && ch is < 1 or > 3)
                errors.Add(new(at + ".channel", "one-of", "Kênh: 1 trực tiếp, 2 trực tuyến, 3 bưu chính", "Channel: 1 in person, 2 online, 3 postal"));
            if (d.EndStatus is { } es && es is not (3 or 7 or 8 or 9 or 10))
                errors.Add(new(at + ".endStatus", "one-of", "Trạng thái kết thúc: 3, 7, 8, 9 hoặc 10", "End status: 3, 7, 8, 9 or 10"));
            if (d.EndedAt is not null != d.EndStatus is not null)
                errors.Add(new(at + ".endStatus", "paired", "endedAt và endStatus đi cùng nhau", "endedAt and endStatus go together"));
            if (d.SupplementRequests < 0 || d.PausedSeconds < 0 || d.FeeTotal < 0)
                errors.Add(new(at, "non-negative", "Số lượng không được âm", "Counts must not be negative"));
            if (d.PausedSeconds > MaxPausedSeconds)
                errors.Add(new(at + ".pausedSeconds", "range", "Thời gian tạm dừng tối đa 10 năm", "At most ten years of pauses"));
            foreach (var (name, value) in new[] { ("receivedAt", d.ReceivedAt), ("originalDueAt", d.OriginalDueAt), ("endedAt", d.EndedAt),
                         ("pendingSupplementSince", d.PendingSupplementSince) })
                if (value is { } v && !InRange(v))
                    errors.Add(new($"{at}.{name}", "range", "Thời điểm trong khoảng 2000–2100", "A moment between 2000 and 2100"));
            if (errors.Count > 50) break;
            facts.Add(new DossierFact
            {
                Code = code ?? "", ProcedureCode = procedure, ReceivingUnit = unit, DecidingAgency = agency, Channel = d.Channel,
                ReceivedAt = d.ReceivedAt, OriginalDueAt = d.OriginalDueAt, EndedAt = d.EndedAt, EndStatus = d.EndStatus,
                SupplementRequests = d.SupplementRequests, PausedSeconds = d.PausedSeconds, PendingSupplementSince = d.PendingSupplementSince,
                FeeTotal = d.FeeTotal, PaidOnline = d.PaidOnline, Digitised = d.Digitised, Reused = d.Reused, FromCitizenStore = d.FromCitizenStore,
                PopulationData = d.PopulationData, Citizen = d.Citizen, ElectronicResult = d.ElectronicResult, LateReception = d.LateReception,
                ApologyOnTime = d.ApologyOnTime,
                PaperResult = d.PaperResult ?? (procedure is null ? null : paperResults.GetValueOrDefault(procedure)),
                // Synced only / synced up to the latest change, in the terms of sequences the projection keeps.
                LastSequence = 2, SyncedSequence = d.SyncedCurrent ? 2 : d.Synced ? 1 : 0,
            });
        }
        return facts;
    }

    private const long MaxPausedSeconds = 10L * 366 * 86_400;

    /// <summary>Keeps date arithmetic (period ends, pauses) far from DateTimeOffset's limits.</summary>
    private static bool InRange(DateTimeOffset v) => v.UtcDateTime.Year is >= 2000 and <= 2100;

    private static List<ProcedureVersionFact> Procedures(IReadOnlyList<Procedure> posted, List<FieldError> errors)
    {
        if (posted.Count > MaxProcedures)
        {
            errors.Add(new("procedures", "max-items", $"Tối đa {MaxProcedures} thủ tục mỗi lần", $"At most {MaxProcedures} procedures per request"));
            return [];
        }
        var versions = new List<ProcedureVersionFact>(posted.Count);
        for (var i = 0; i < posted.Count; i++)
        {
            var p = posted[i];
            var at = $"procedures[{i}]";
            if (p is null) { errors.Add(new(at, "required", "Thiếu thủ tục", "Missing procedure")); continue; }
            var code = PeriodInput.Code(p.Code, at + ".code", errors);
            if (p.Code is null) errors.Add(new(at + ".code", "required", "Mã thủ tục bắt buộc", "Procedure code required"));
            if (p.Version < 1) errors.Add(new(at + ".version", "min", "Phiên bản từ 1", "Version from 1"));
            var name = TextInput.Clean(p.Name, at + ".name", errors);
            var field = TextInput.Clean(p.Field, at + ".field", errors);
            if (p.OnlineLevelSince is not null && p.OnlineLevel == OnlineServiceLevel.Unknown)
                errors.Add(new(at + ".onlineLevelSince", "needs-online-level", "Chỉ ghi ngày áp dụng khi đã biết mức độ dịch vụ công trực tuyến",
                    "A date the online level took effect needs a known online level"));
            if (errors.Count > 50) break;
            versions.Add(new ProcedureVersionFact(code ?? "", Math.Max(1, p.Version), name, field, p.Level, p.OnlineLevel, p.FeeBearing,
                p.PublishedOn, p.PublishedOnTime, p.PaperResult, p.OnlineLevelSince));
        }
        return versions;
    }
}
