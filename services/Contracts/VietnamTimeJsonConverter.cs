using System.Text.Json;
using System.Text.Json.Serialization;

namespace Procedures.Contracts;

/// <summary>
/// JSON for instants at the edges (answers, stored idempotent replies, public events): written in ISO 8601 with
/// +07:00, the instant unchanged; read as written, and as Vietnam time when written without an offset
/// (<see cref="VietnamTime.TryParseMoment"/>). Internal messages between services keep the default (any offset
/// reads back as the same instant).
/// </summary>
public sealed class VietnamTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // The reader's own ISO 8601 check first: it is strict about the form (no culture-dependent spellings).
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var written))
            throw new JsonException("Expected an ISO 8601 moment, e.g. 2026-12-16T17:00:00+07:00");
        return written.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(written, VietnamTime.Offset) : reader.GetDateTimeOffset();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.ToOffset(VietnamTime.Offset));
}
