using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// The public /scoreboard page in a real headless browser (Debian's chromium, installed by deploy/local/prerequisites.sh,
/// driven by Playwright): it loads with nothing from outside the service, and shows the numbers the API gives.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ScoreboardTests(SystemFixture system)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_scoreboard_shows_the_same_scores_targets_trend_and_risks_as_the_api()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run deploy/local/prerequisites.sh");
        var city = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "dev-admin");
        await ReportingTests.DossierAsync(system, city, "25750.H29", "accept", "start-processing", "decide");
        var reporting = system.Client(ResourceNames.Reporting);
        var period = ReportingTests.Period();
        var index = await Eventually.Until(async () => await reporting.GetFromJsonAsync<JsonElement>($"/api/v1/kpi/index?{period}"),
            i => i.GetProperty("dossiersReceived").GetInt64() > 0, TimeSpan.FromSeconds(60), "a received dossier in the index");
        var board = await reporting.GetFromJsonAsync<JsonElement>($"/api/v1/kpi/scoreboard?{period}");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 } });
        var origin = reporting.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var foreign = new List<string>();
        var consoleErrors = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) consoleErrors.Add($"{r.Status} {r.Url}"); };
        page.Request += (_, r) => { if (!r.Url.StartsWith(origin, StringComparison.Ordinal)) foreign.Add(r.Url); };
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };

        await page.GotoAsync($"{origin}/scoreboard?{period}");
        await page.WaitForSelectorAsync("[data-testid=status][data-state=loaded]", new PageWaitForSelectorOptions { Timeout = 15_000 });

        // Total and received dossiers: the page loaded its own numbers at about the same moment, so allow a newer index.
        var index2 = await reporting.GetFromJsonAsync<JsonElement>($"/api/v1/kpi/index?{period}");
        var total = await page.GetAttributeAsync("[data-testid=total]", "data-value");
        Assert.Contains(Dec(total), new[] { index.GetProperty("totalPoints").GetDecimal(), index2.GetProperty("totalPoints").GetDecimal() });
        var shown = Dec(total).ToString("0.00", CultureInfo.InvariantCulture).Replace('.', ',');
        Assert.Equal(shown, await page.InnerTextAsync("[data-testid=total]"));
        var api = Dec(total) == index2.GetProperty("totalPoints").GetDecimal() ? index2 : index;

        // Six groups against their maxima, as in the API.
        var groups = await page.QuerySelectorAllAsync("[data-testid=groups] tr[data-group]");
        Assert.Equal(6, groups.Count);
        foreach (var g in api.GetProperty("groups").EnumerateArray())
        {
            var row = page.Locator($"[data-testid=groups] tr[data-group={g.GetProperty("code").GetString()}]");
            Assert.Equal(g.GetProperty("points").GetDecimal(), Dec(await row.GetAttributeAsync("data-points")));
            Assert.Equal(g.GetProperty("maxPoints").GetDecimal(), Dec(await row.GetAttributeAsync("data-max")));
            Assert.Contains(g.GetProperty("nameVi").GetString()!, await row.InnerTextAsync());
            Assert.Contains(g.GetProperty("nameEn").GetString()!, await row.InnerTextAsync());
        }

        // Eight targets with the API's traffic lights.
        var targets = api.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(8, targets.Count);
        Assert.Equal(8, await page.Locator("[data-testid=targets] tr[data-target]").CountAsync());
        foreach (var t in targets)
        {
            var row = page.Locator($"[data-testid=targets] tr[data-target={t.GetProperty("code").GetString()}]");
            Assert.Equal(t.GetProperty("light").GetString(), await row.GetAttributeAsync("data-light"));
            Assert.Equal(1, await row.Locator($".light.{t.GetProperty("light").GetString()}").CountAsync());
        }

        // The trend has a row (and a point on the chart) per day with a ratio; the risk table a row per agency.
        var trend = board.GetProperty("trend").EnumerateArray().ToList();
        Assert.Equal(trend.Count, await page.Locator("[data-testid=trend] tr[data-day]").CountAsync());
        Assert.Equal(trend.Count(p => p.GetProperty("ratio").ValueKind == JsonValueKind.Number),
            await page.Locator("[data-testid=trend-chart] circle").CountAsync());
        Assert.Equal(board.GetProperty("agencies").GetArrayLength(), await page.Locator("[data-testid=risk] tr[data-agency]").CountAsync());

        Assert.Empty(foreign);
        Assert.Empty(consoleErrors); // a Content-Security-Policy violation would show here
        Assert.DoesNotContain(".H29-", await page.ContentAsync(), StringComparison.Ordinal); // no dossier code on the public page
    }

    private static decimal Dec(string? text) => decimal.Parse(text ?? "", CultureInfo.InvariantCulture);
}
