namespace Procedures.Calendar;

/// <summary>
/// The per-year tables of official days off and make-up Saturdays. The default is the table shipped
/// inside this assembly (Data/vn-days-off.json, 2024–2026); years it does not hold fall back to
/// <see cref="HolidayRules"/>. Immutable: <see cref="With"/> returns a new set.
/// </summary>
public sealed class CalendarOverrides
{
    private const string DefaultResource = "Procedures.Calendar.Data.vn-days-off.json";
    private static readonly Lazy<CalendarOverrides> Shipped = new(LoadShipped);
    private readonly Dictionary<int, YearOverride> _years;

    public CalendarOverrides(IEnumerable<YearOverride> years)
    {
        _years = [];
        foreach (var year in years)
        {
            if (!_years.TryAdd(year.Year, year))
                throw new ArgumentException($"Year {year.Year} appears twice.", nameof(years));
        }
    }

    public static CalendarOverrides Empty { get; } = new([]);

    /// <summary>The table shipped with the assembly (Data/vn-days-off.json).</summary>
    public static CalendarOverrides Default => Shipped.Value;

    public IReadOnlyCollection<int> Years => [.. _years.Keys.Order()];

    public bool TryGet(int year, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out YearOverride? table)
        => _years.TryGetValue(year, out table);

    /// <summary>A copy with <paramref name="year"/> added, replacing any table for the same year.</summary>
    public CalendarOverrides With(YearOverride year)
        => new(_years.Values.Where(y => y.Year != year.Year).Append(year));

    /// <summary>Parses the vn-days-off.json format (see <see cref="DaysOffFile"/>).</summary>
    /// <exception cref="FormatException">The text is not that format or breaks its rules.</exception>
    public static CalendarOverrides Parse(string json) => new(DaysOffFile.Parse(json));

    public static CalendarOverrides Load(Stream utf8Json)
    {
        using var reader = new StreamReader(utf8Json);
        return Parse(reader.ReadToEnd());
    }

    private static CalendarOverrides LoadShipped()
    {
        using var stream = typeof(CalendarOverrides).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"Embedded resource {DefaultResource} is missing.");
        return Load(stream);
    }
}
