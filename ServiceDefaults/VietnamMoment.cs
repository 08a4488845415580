using Procedures.Contracts;

namespace Procedures.ServiceDefaults;

/// <summary>
/// An instant given in a query string: ISO 8601, read as Vietnam time when written without an offset
/// (<see cref="VietnamTime.TryParseMoment"/>), where the framework's own binding would read the server's zone.
/// A value that does not parse is a 400 naming the parameter (the framework's binding failure).
/// </summary>
public readonly record struct VietnamMoment(DateTimeOffset Value)
{
    public static bool TryParse(string? text, IFormatProvider? provider, out VietnamMoment moment)
    {
        var parsed = VietnamTime.TryParseMoment(text, out var value);
        moment = new VietnamMoment(value);
        return parsed;
    }

    public DateTimeOffset ToUniversalTime() => Value.ToUniversalTime();
}
