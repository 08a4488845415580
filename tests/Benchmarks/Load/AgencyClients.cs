using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// The city's 168 receiving units (services/Intake/Data/hcmc-communes.csv) with a traffic weight, and the token each one
/// submits with. Weights (a documented choice, no per-unit volumes being published): an urban ward (phường) draws 3 shares,
/// a rural commune (xã) or the special zone (đặc khu) 1 — wards hold most of the population and of the dossiers.
/// Tokens come from the sandbox identity provider: the wards that have a dev client (phuong-sai-gon, phuong-tan-dinh) use
/// their own; every other unit submits through the city's control office client (dev-admin, which may act for any unit),
/// since the dev profile configures only those agency clients.
/// </summary>
public sealed class AgencyClients(HttpClient sandbox, IReadOnlyList<(string Unit, int Weight)> units)
{
    private static readonly Dictionary<string, string> OwnClients = new(StringComparer.Ordinal)
    {
        ["26740.H29"] = "phuong-sai-gon", ["26737.H29"] = "phuong-tan-dinh",
    };

    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new(StringComparer.Ordinal);
    private readonly int[] _cumulative = Cumulate(units);

    public IReadOnlyList<(string Unit, int Weight)> Units => units;

    public static AgencyClients FromCsv(HttpClient sandbox, string csvPath)
    {
        var units = File.ReadLines(csvPath).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .Select(f => (Unit: f[0] + ".H29", Weight: f[2] == "phuong" ? 3 : 1)).ToList();
        return new AgencyClients(sandbox, units);
    }

    /// <summary>The i-th unit of a deterministic weighted draw (same sequence on every run).</summary>
    public string UnitFor(int i)
    {
        var ticket = (int)((uint)HashCode.Combine(i, 766) % (uint)_cumulative[^1]);
        var index = Array.BinarySearch(_cumulative, ticket + 1);
        return units[index >= 0 ? index : ~index].Unit;
    }

    public static string ClientFor(string unit) => OwnClients.GetValueOrDefault(unit, "dev-admin");

    public Task<string> TokenForAsync(string unit) => _tokens.GetOrAdd(ClientFor(unit), FetchAsync);

    private async Task<string> FetchAsync(string clientId)
    {
        using var response = await sandbox.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientId + "-secret",
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    private static int[] Cumulate(IReadOnlyList<(string Unit, int Weight)> units)
    {
        var sums = new int[units.Count];
        var total = 0;
        for (var i = 0; i < units.Count; i++) sums[i] = total += units[i].Weight;
        return sums;
    }
}
