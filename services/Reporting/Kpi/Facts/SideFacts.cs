using System.Data;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Reporting.Kpi.Agencies;
using Procedures.Reporting.Kpi.Satisfaction;

namespace Procedures.Reporting.Kpi.Facts;

/// <summary>
/// The facts kept beside the dossier fold (ratings, feedback, certified copies, the register of agencies): each event is
/// logged (one copy per subject, kind and key) and then applied by its projection, so the rebuild can throw the tables
/// away and apply the log again in order, exactly as the consumers did (issue 24: the rebuild covers every derived table).
/// </summary>
public static class SideFacts
{
    /// <summary>Logs <paramref name="message"/> and applies it, unless a copy was already logged (then it was applied).</summary>
    public static async Task RecordAsync<T>(IDbTransaction tx, string kind, string subject, string key, T message,
        Func<IDbTransaction, T, CancellationToken, Task> apply, CancellationToken ct)
    {
        if (await FactStore.LogAsync(tx, kind, subject, key, message, ct) == 0) return;
        await apply(tx, message, ct);
    }

    /// <summary>The tables these facts fill, which the rebuild empties before applying the log again.</summary>
    public static readonly string[] Tables = ["satisfaction_ratings", "feedback_facts", "certified_copies", "agencies"];

    /// <summary>How each logged kind is applied again: its projection's own apply, the payload read as the event it was.</summary>
    public static readonly IReadOnlyDictionary<string, Func<IDbTransaction, string, CancellationToken, Task>> Replays =
        new Dictionary<string, Func<IDbTransaction, string, CancellationToken, Task>>(StringComparer.Ordinal)
        {
            [FactStore.Kinds.Rating] = (tx, p, ct) => ProjectDossierRated.ApplyAsync(tx, Read<DossierRated>(p), ct),
            [FactStore.Kinds.FeedbackFiled] = (tx, p, ct) => ProjectFeedbackFiled.ApplyAsync(tx, Read<FeedbackFiled>(p), ct),
            [FactStore.Kinds.FeedbackAnswered] = (tx, p, ct) => ProjectFeedbackAnswered.ApplyAsync(tx, Read<FeedbackAnswered>(p), ct),
            [FactStore.Kinds.FeedbackRated] = (tx, p, ct) => ProjectFeedbackRated.ApplyAsync(tx, Read<FeedbackRated>(p), ct),
            [FactStore.Kinds.CertifiedCopy] = (tx, p, ct) => ProjectCopyCertified.ApplyAsync(tx, Read<CopyCertified>(p), ct),
            [FactStore.Kinds.Agency] = (tx, p, ct) => ProjectAgencies.ApplyAsync(tx, Read<ProjectAgencies.LoggedAgency>(p), ct),
        };

    private static T Read<T>(string payload) => JsonSerializer.Deserialize<T>(payload, MessageJson.Options)!;
}
