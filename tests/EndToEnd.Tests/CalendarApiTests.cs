using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class CalendarApiTests(SystemFixture system)
{
    private HttpClient Processing => system.Client(ResourceNames.Processing);

    private async Task<DateTimeOffset> DueAsync(string start, int amount, string unit)
    {
        var body = await Processing.GetFromJsonAsync<JsonElement>(
            $"/api/v1/calendar/due?start={Uri.EscapeDataString(start)}&amount={amount}&unit={unit}");
        return body.GetProperty("due").GetDateTimeOffset();
    }

    [Fact]
    public async Task Due_moments_follow_the_official_2026_table_without_a_token()
    {
        // Fri 13 Feb 2026 09:00: the period starts the next day; 14–22 Feb are weekend + Tết (16–20 off).
        Assert.Equal(DateTimeOffset.Parse("2026-02-25T17:00:00+07:00"), await DueAsync("2026-02-13T09:00:00+07:00", 3, "working-days"));
        // Sat 10 Jan 2026 was a swapped working Saturday: a working day.
        Assert.Equal(DateTimeOffset.Parse("2026-01-10T17:00:00+07:00"), await DueAsync("2026-01-09T09:00:00+07:00", 1, "working-days"));

        using var bad = await Processing.GetAsync("/api/v1/calendar/due?start=yesterday&amount=-1&unit=fortnights");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var fields = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Equal(["start", "amount", "unit"], fields);
    }

    [Fact]
    public async Task Times_are_shown_in_Vietnam_time_and_a_start_without_an_offset_is_Vietnam_time()
    {
        // 02:00 UTC is 09:00 in Hà Nội: the same instant, written with +07:00.
        var utc = await Processing.GetFromJsonAsync<JsonElement>("/api/v1/calendar/due?start=2026-02-13T02:00:00Z&amount=3&unit=working-days");
        Assert.Equal("2026-02-13T09:00:00+07:00", utc.GetProperty("start").GetString());
        Assert.Equal("2026-02-25T17:00:00+07:00", utc.GetProperty("due").GetString());

        // Without an offset the start is read as Vietnam time (not the server's zone): the same answer.
        var local = await Processing.GetFromJsonAsync<JsonElement>("/api/v1/calendar/due?start=2026-02-13T09:00:00&amount=3&unit=working-days");
        Assert.Equal(utc.GetRawText(), local.GetRawText());
    }

    [Fact]
    public async Task A_year_lists_its_days_off_with_sources()
    {
        var year = await Processing.GetFromJsonAsync<JsonElement>("/api/v1/calendar/2026");
        Assert.True(year.GetProperty("officialTable").GetBoolean());
        var days = year.GetProperty("days").EnumerateArray().ToList();
        var tet = Assert.Single(days, d => d.GetProperty("date").GetString() == "2026-02-17");
        Assert.True(tet.GetProperty("dayOff").GetBoolean());
        Assert.NotEmpty(tet.GetProperty("sources").EnumerateArray());
        Assert.Contains(days, d => d.GetProperty("date").GetString() == "2026-08-22" && !d.GetProperty("dayOff").GetBoolean());
    }

    [Fact]
    public async Task An_administrator_corrects_a_year_without_a_redeploy()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var admin = await Tokens.ForClientAsync(sandbox, "dev-admin");
        var clerk = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        // 2027 has no official table yet: by the rules, Mon 4 Jan 2027 is a working day.
        Assert.Equal(DateTimeOffset.Parse("2027-01-04T17:00:00+07:00"), await DueAsync("2026-12-31T09:00:00+07:00", 1, "working-days"));

        var table = new { days_off = new[] { "2027-01-01", "2027-01-04" }, working_saturdays = Array.Empty<string>() };
        using var forbidden = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/calendar/2027") { Content = JsonContent.Create(table) }.WithToken(clerk));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var invalid = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/calendar/2027")
        {
            Content = JsonContent.Create(new { days_off = new[] { "2027-01-02" }, working_saturdays = Array.Empty<string>() }), // a Saturday
        }.WithToken(admin));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);

        using var put = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/calendar/2027") { Content = JsonContent.Create(table) }.WithToken(admin));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(DateTimeOffset.Parse("2027-01-05T17:00:00+07:00"), await DueAsync("2026-12-31T09:00:00+07:00", 1, "working-days"));
    }
}
