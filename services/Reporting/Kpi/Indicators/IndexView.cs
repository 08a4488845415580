using System.Text.Json.Serialization;
using Procedures.Reporting.Kpi.Facts;

namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>
/// Which dossiers the dossier indicators count (docs/kpi766-choices.md#the-two-views): every dossier this system received
/// (<see cref="Local"/>, the default), or only those the national portal holds (<see cref="Portal"/>), as the national
/// scoreboard computes them. The catalogue, satisfaction and certified-copy indicators are the same in both.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<IndexView>))]
public enum IndexView
{
    [JsonStringEnumMemberName("local")] Local = 0,
    [JsonStringEnumMemberName("portal")] Portal = 1,
}

public static class IndexViews
{
    /// <summary>The names of the views, the default first (as <see cref="IndexView"/> is written in JSON).</summary>
    public static readonly string[] Names = ["local", "portal"];

    public const string Description =
        "Which dossiers the dossier indicators count: `local` (default) every dossier this system received; `portal` only " +
        "those the national portal holds (it acknowledged at least one step), as the national scoreboard counts them. " +
        "DOSSIER_SYNC is synced ÷ every received dossier in both; the catalogue, satisfaction and certified-copy indicators " +
        "do not depend on the view (docs/kpi766-choices.md, \"The two views\").";

    /// <summary>
    /// The portal holds a dossier once it acknowledged at least one of its steps (DossierSynced): the same "synced" as
    /// DOSSIER_SYNC's numerator. The SQL of the live index says it as <c>synced_seq &gt; 0</c>.
    /// </summary>
    public static bool HeldByPortal(DossierFact f) => f.SyncedSequence > 0;

    /// <summary>The query parameter's value: <c>local</c> (also when absent) or <c>portal</c>; anything else is named in <paramref name="errors"/>.</summary>
    public static IndexView Read(string? text, List<ServiceDefaults.FieldError> errors)
    {
        switch (text)
        {
            case null or "local": return IndexView.Local;
            case "portal": return IndexView.Portal;
            default:
                errors.Add(new("view", "one-of", "view là local (mọi hồ sơ hệ thống tiếp nhận) hoặc portal (hồ sơ Cổng DVCQG đang có)",
                    "view is local (every dossier this system received) or portal (the dossiers the national portal holds)"));
                return IndexView.Local;
        }
    }
}
