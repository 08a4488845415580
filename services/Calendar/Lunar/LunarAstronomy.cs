namespace Procedures.Calendar;

/// <summary>
/// The two astronomical quantities the lunisolar calendar is built from, in the low-precision series
/// that Hồ Ngọc Đức's "Thuật toán tính âm lịch" uses (after Meeus, "Astronomical Algorithms"): the
/// instant of the k-th new moon and the apparent longitude of the sun. The series are good to minutes
/// for 1900–2100, which is what deciding "which local day holds the new moon" needs.
/// Times are Julian dates (days, UT).
/// </summary>
internal static class LunarAstronomy
{
    /// <summary>Mean length of a synodic month, in days.</summary>
    public const double SynodicMonth = 29.530588853;

    /// <summary>Julian date of new moon number 0 (1 January 1900, ~13:51 UT), the origin of k.</summary>
    public const double FirstNewMoon = 2415021.076998695;

    private const double Radians = Math.PI / 180;

    /// <summary>Julian date (UT) of the k-th new moon after 1 January 1900.</summary>
    public static double NewMoon(int k)
    {
        var t = k / 1236.85; // Julian centuries from 1900.0, counted in lunations
        var t2 = t * t;
        var t3 = t2 * t;

        // Mean new moon, then the periodic corrections from the sun's anomaly (m), the moon's anomaly
        // (mPrime) and the moon's argument of latitude (f).
        var mean = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
            + 0.00033 * Math.Sin((166.56 + 132.87 * t - 0.009173 * t2) * Radians);
        var m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
        var mPrime = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
        var f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;

        var correction = (0.1734 - 0.000393 * t) * Sin(m) + 0.0021 * Sin(2 * m)
            - 0.4068 * Sin(mPrime) + 0.0161 * Sin(2 * mPrime) - 0.0004 * Sin(3 * mPrime)
            + 0.0104 * Sin(2 * f) - 0.0051 * Sin(m + mPrime) - 0.0074 * Sin(m - mPrime)
            + 0.0004 * Sin(2 * f + m) - 0.0004 * Sin(2 * f - m) - 0.0006 * Sin(2 * f + mPrime)
            + 0.0010 * Sin(2 * f - mPrime) + 0.0005 * Sin(2 * mPrime + m);

        // The series gives ephemeris time; ΔT (in days) brings it to universal time.
        var deltaT = t < -11
            ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
            : -0.000278 + 0.000265 * t + 0.000262 * t2;

        return mean + correction - deltaT;
    }

    /// <summary>Apparent longitude of the sun at Julian date <paramref name="julianDate"/>, in radians [0, 2π).</summary>
    public static double SunLongitude(double julianDate)
    {
        var t = (julianDate - 2451545.0) / 36525; // Julian centuries from J2000.0
        var t2 = t * t;
        var meanAnomaly = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
        var meanLongitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
        var centre = (1.914600 - 0.004817 * t - 0.000014 * t2) * Sin(meanAnomaly)
            + (0.019993 - 0.000101 * t) * Sin(2 * meanAnomaly) + 0.000290 * Sin(3 * meanAnomaly);

        var longitude = (meanLongitude + centre) * Radians;
        return longitude - 2 * Math.PI * Math.Floor(longitude / (2 * Math.PI));
    }

    private static double Sin(double degrees) => Math.Sin(degrees * Radians);
}
