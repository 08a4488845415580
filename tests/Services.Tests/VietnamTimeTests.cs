using System.Globalization;
using Procedures.Contracts;

namespace Procedures.Services.Tests;

[Trait("Kind", "Pure")]
public sealed class VietnamTimeTests
{
    [Fact]
    public void Half_past_five_in_the_afternoon_UTC_is_already_the_next_day_in_Vietnam()
    {
        var instant = new DateTimeOffset(2025, 11, 28, 17, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2025, 11, 29), instant.VietnamDate());
    }

    [Theory]
    [InlineData("2025-11-28T16:59:59.9999999+00:00", "2025-11-28")]
    [InlineData("2025-11-28T17:00:00+00:00", "2025-11-29")]
    [InlineData("2025-12-31T17:00:00+00:00", "2026-01-01")]
    [InlineData("2025-11-28T12:00:00-05:00", "2025-11-29")] // 17:00 UTC written in New York time
    [InlineData("2025-11-29T06:59:59+07:00", "2025-11-29")]
    [InlineData("2025-11-29T00:30:00+09:00", "2025-11-28")] // 15:30 UTC written in Tokyo time
    public void Vietnam_date_changes_at_midnight_UTC_plus_7_whatever_offset_the_instant_carries(string instant, string vietnamDate)
    {
        var at = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

        Assert.Equal(DateOnly.Parse(vietnamDate, CultureInfo.InvariantCulture), at.VietnamDate());
    }

    [Fact]
    public void To_Vietnam_keeps_the_instant_and_shows_it_at_plus_7()
    {
        var instant = new DateTimeOffset(2025, 11, 28, 17, 30, 0, TimeSpan.Zero);

        var vietnam = instant.ToVietnam();

        Assert.Equal(instant, vietnam); // same instant
        Assert.Equal(TimeSpan.FromHours(7), vietnam.Offset);
        Assert.Equal(new DateTime(2025, 11, 29, 0, 30, 0), vietnam.DateTime);
    }

    [Theory]
    [InlineData("2025-11-28T17:30:05+00:00", "20251129003005")]
    [InlineData("2025-01-01T00:00:00+00:00", "20250101070000")]
    [InlineData("2025-06-30T23:59:59+07:00", "20250630235959")]
    [InlineData("2025-06-30T12:00:00-05:00", "20250701000000")]
    [InlineData("2025-03-09T05:07:08+00:00", "20250309120708")] // 24-hour clock, zero-padded
    public void Portal_timestamp_is_yyyyMMddHHmmss_in_Vietnam_time(string instant, string expected)
    {
        var at = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

        Assert.Equal(expected, at.ToPortalTimestamp());
    }

    [Fact]
    public void Portal_timestamp_is_gregorian_whatever_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("th-TH"); // Buddhist era: 2568 for 2025
            Assert.Equal("20251129003005", new DateTimeOffset(2025, 11, 28, 17, 30, 5, TimeSpan.Zero).ToPortalTimestamp());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("2026-12-16T17:00:00+07:00", "2026-12-16T10:00:00+00:00")]
    [InlineData("2026-12-16T10:00:00Z", "2026-12-16T10:00:00+00:00")]
    [InlineData("2026-12-16T17:00:00", "2026-12-16T10:00:00+00:00")]   // no offset: Vietnam time
    [InlineData("2026-12-16", "2026-12-15T17:00:00+00:00")]            // a date: its midnight in Vietnam
    public void A_moment_without_an_offset_is_read_as_Vietnam_time(string text, string instant)
    {
        Assert.True(VietnamTime.TryParseMoment(text, out var moment));
        Assert.Equal(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture), moment);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    public void Text_that_is_no_moment_is_refused(string? text) => Assert.False(VietnamTime.TryParseMoment(text, out _));

    private static readonly System.Text.Json.JsonSerializerOptions Edge = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new VietnamTimeJsonConverter() },
    };

    private sealed record Stamped(DateTimeOffset At, DateTimeOffset? Maybe);

    [Fact]
    public void Answers_write_instants_with_plus_seven_and_read_them_back_as_the_same_instant()
    {
        var at = new DateTimeOffset(2026, 12, 16, 10, 0, 0, TimeSpan.Zero);

        var json = System.Text.Json.JsonSerializer.Serialize(new Stamped(at, null), Edge);

        Assert.Equal("""{"at":"2026-12-16T17:00:00+07:00","maybe":null}""", json);
        Assert.Equal(at, System.Text.Json.JsonSerializer.Deserialize<Stamped>(json, Edge)!.At);
        Assert.Equal(at, System.Text.Json.JsonSerializer.Deserialize<Stamped>("""{"at":"2026-12-16T17:00:00","maybe":"2026-12-16T10:00:00Z"}""", Edge)!.At);
        Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<Stamped>("""{"at":"16/12/2026"}""", Edge));
    }
}
