using System.Text.Json.Serialization;

namespace Procedures.Contracts;

// Catalogue integration events, published by Intake through its outbox in the transaction that writes the
// procedure version. They carry what Reporting needs (the Decision 766 transparency, online-service and
// online-payment indicators) so that no service reads Intake's tables. A procedure is public information:
// there is no personal data here. To be moved to services/Contracts/CatalogueEvents.cs.

/// <summary>Cấp thực hiện: the level whose agency decides the procedure.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProcedureLevel>))]
public enum ProcedureLevel
{
    [JsonStringEnumMemberName("province")] Province = 1,
    [JsonStringEnumMemberName("commune")] Commune = 2,
}

/// <summary>Mức độ dịch vụ công trực tuyến (Decree 42/2022): none, partial (một phần), full-process (toàn trình), or not stated.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OnlineServiceLevel>))]
public enum OnlineServiceLevel
{
    [JsonStringEnumMemberName("unknown")] Unknown = 0,
    [JsonStringEnumMemberName("none")] None = 1,
    [JsonStringEnumMemberName("partial")] Partial = 2,
    [JsonStringEnumMemberName("full")] Full = 3,
}

/// <summary>
/// A procedure entered the catalogue (its version 1). Level null: the source lists both levels.
/// FeeBearing null: the fee is not published. PublishedOnTime null: a date is missing, so it cannot be judged.
/// PaperResult: the result must be issued as a paper original (true), need not be (false), or not recorded (null) — the
/// fact the 766 index's 3.3, 4.1 and 4.2 depend on. OnlineLevelSince: when <see cref="OnlineLevel"/> took effect (null:
/// not recorded).
/// </summary>
public sealed record ProcedurePublished(
    string ProcedureCode,
    int Version,
    string Name,
    string Field,
    ProcedureLevel? Level,
    OnlineServiceLevel OnlineLevel,
    bool? FeeBearing,
    DateOnly? PublishedOn,
    DateOnly? EffectiveFrom,
    bool? PublishedOnTime,
    bool? PaperResult = null,
    DateOnly? OnlineLevelSince = null);

/// <summary>A procedure got a new version (its earlier versions stay as they were). Fields as in <see cref="ProcedurePublished"/>.</summary>
public sealed record ProcedureChanged(
    string ProcedureCode,
    int Version,
    string Name,
    string Field,
    ProcedureLevel? Level,
    OnlineServiceLevel OnlineLevel,
    bool? FeeBearing,
    DateOnly? PublishedOn,
    DateOnly? EffectiveFrom,
    bool? PublishedOnTime,
    bool? PaperResult = null,
    DateOnly? OnlineLevelSince = null);
