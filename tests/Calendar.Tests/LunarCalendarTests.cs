namespace Procedures.Calendar.Tests;

[Trait("Kind", "Pure")]
public class LunarCalendarTests
{
    // Tết Nguyên Đán as printed in the Vietnamese calendar tables (Hồ Ngọc Đức's "Lịch Việt Nam"
    // 1900–2100, computed for UTC+7; recent years also as announced in the yearly holiday notices).
    // 1985 and 2030 are years where Vietnam and China differ (see VietnamVersusChinaTests).
    [Theory]
    [InlineData(1900, "1900-01-31")]
    [InlineData(1950, "1950-02-17")]
    [InlineData(1968, "1968-01-29")]
    [InlineData(1985, "1985-01-21")]
    [InlineData(2000, "2000-02-05")]
    [InlineData(2007, "2007-02-17")]
    [InlineData(2020, "2020-01-25")]
    [InlineData(2023, "2023-01-22")]
    [InlineData(2024, "2024-02-10")]
    [InlineData(2025, "2025-01-29")]
    [InlineData(2026, "2026-02-17")]
    [InlineData(2027, "2027-02-06")]
    [InlineData(2030, "2030-02-02")]
    [InlineData(2050, "2050-01-23")]
    [InlineData(2053, "2053-02-18")]
    [InlineData(2100, "2100-02-09")]
    public void Tet_falls_on_the_published_date(int year, string expected)
        => Assert.Equal(Vn.Date(expected), VietnameseLunarCalendar.TetNguyenDan(year));

    [Fact]
    public void Tet_2025_is_29_January()
        => Assert.Equal(Vn.Date("2025-01-29"), VietnameseLunarCalendar.TetNguyenDan(2025));

    // Giỗ Tổ 2024–2026 also agree with the dates in the government schedules (vn-days-off.json).
    [Theory]
    [InlineData(2024, "2024-04-18")]
    [InlineData(2025, "2025-04-07")]
    [InlineData(2026, "2026-04-26")]
    public void Gio_To_Hung_Vuong_is_10th_day_of_3rd_lunar_month(int year, string expected)
        => Assert.Equal(Vn.Date(expected), VietnameseLunarCalendar.GioToHungVuong(year));

    [Fact]
    public void Tet_2025_is_1_1_of_lunar_year_2025()
        => Assert.Equal(new LunarDate(1, 1, 2025), VietnameseLunarCalendar.ToLunar(Vn.Date("2025-01-29")));

    [Fact]
    public void Eve_of_Tet_2025_is_29_Chap_of_lunar_year_2024()
        => Assert.Equal(new LunarDate(29, 12, 2024), VietnameseLunarCalendar.ToLunar(Vn.Date("2025-01-28")));

    // Leap months as published: nhuận tháng 4 Canh Tý (2020), tháng 2 Quý Mão (2023), tháng 6 Ất Tỵ (2025).
    [Theory]
    [InlineData("2020-05-23", 4, 2020)]
    [InlineData("2023-03-22", 2, 2023)]
    [InlineData("2025-07-25", 6, 2025)]
    public void Leap_month_starts_on_the_published_date(string start, int month, int year)
    {
        Assert.Equal(new LunarDate(1, month, year, isLeapMonth: true), VietnameseLunarCalendar.ToLunar(Vn.Date(start)));
        Assert.Equal(Vn.Date(start), VietnameseLunarCalendar.ToSolar(1, month, year, isLeapMonth: true));
    }

    [Fact]
    public void A_leap_month_the_year_does_not_have_is_rejected()
        => Assert.Throws<ArgumentException>(() => VietnameseLunarCalendar.ToSolar(1, 5, 2025, isLeapMonth: true));

    [Fact]
    public void Day_30_of_a_29_day_month_is_rejected()
    {
        // Tháng Chạp Giáp Thìn ended on 28 Jan 2025 (29 Chạp), the eve of Tết Ất Tỵ.
        Assert.Throws<ArgumentException>(() => VietnameseLunarCalendar.ToSolar(30, 12, 2024));
    }

    [Fact]
    public void Years_outside_1900_to_2100_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VietnameseLunarCalendar.TetNguyenDan(1899));
        Assert.Throws<ArgumentOutOfRangeException>(() => VietnameseLunarCalendar.TetNguyenDan(2101));
        Assert.Throws<ArgumentOutOfRangeException>(() => VietnameseLunarCalendar.ToLunar(Vn.Date("2101-01-01")));
    }

    // The published code steps back one lunation only and answers "day 0" on these two dates.
    [Theory]
    [InlineData("2054-05-07", 30, 3, 2054)]
    [InlineData("2062-04-09", 30, 2, 2062)]
    public void Day_whose_new_moon_runs_late_is_the_30th_not_day_0(string date, int day, int month, int year)
        => Assert.Equal(new LunarDate(day, month, year), VietnameseLunarCalendar.ToLunar(Vn.Date(date)));
}
