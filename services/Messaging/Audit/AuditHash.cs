using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Procedures.Messaging.Audit;

/// <summary>
/// The canonical encoding hashed into the chain: every field length-prefixed (big-endian int32, -1 for NULL).
/// <para>
/// Version 1 (entries chained inside their own transaction, before migration 0004): a version tag, prev_hash, the
/// entry id, the body (at as UTC ticks at microsecond precision, client_id, agency, action, resource, personal_data,
/// reason, trace_id) and detail (jsonb's canonical text). Version 2 (chained after commit by the chainer) adds the
/// chain position seq before the entry id, so a seal cannot be moved to another position.
/// </para>
/// </summary>
internal static class AuditHash
{
    public const short ChainedInTransaction = 1;
    public const short ChainedAfterCommit = 2;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] V1 = "procedures.audit.entries/v1"u8.ToArray();
    private static readonly byte[] V2 = "procedures.audit.entries/v2"u8.ToArray();

    /// <summary>timestamptz keeps microseconds: hash exactly what is stored and read back.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return new DateTimeOffset(ticks - ticks % 10, TimeSpan.Zero);
    }

    /// <summary>The entry's fields after its id and before its detail.</summary>
    public static byte[] Body(DateTimeOffset at, string clientId, string agency, string action, string resource, bool personalData,
        string? reason, string? traceId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Int64(buffer, at.UtcTicks);
        Text(buffer, clientId);
        Text(buffer, agency);
        Text(buffer, action);
        Text(buffer, resource);
        Field(buffer, [personalData ? (byte)1 : (byte)0]);
        Text(buffer, reason);
        Text(buffer, traceId);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The hash of a seal of the given version (seq is not part of a version-1 hash).</summary>
    public static byte[] Compute(short version, byte[]? prevHash, long seq, long entryId, byte[] body, string? detail)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length + 160);
        Field(buffer, version switch
        {
            ChainedInTransaction => V1,
            ChainedAfterCommit => V2,
            _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown audit seal version."),
        });
        if (prevHash is null) Null(buffer); else Field(buffer, prevHash);
        if (version == ChainedAfterCommit) Int64(buffer, seq);
        Int64(buffer, entryId);
        buffer.Write(body);
        Text(buffer, detail);
        return SHA256.HashData(buffer.WrittenSpan);
    }

    private static void Int64(ArrayBufferWriter<byte> buffer, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        Field(buffer, bytes);
    }

    private static void Text(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null) Null(buffer); else Field(buffer, Utf8.GetBytes(value));
    }

    private static void Field(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), value.Length);
        buffer.Advance(4);
        buffer.Write(value);
    }

    private static void Null(ArrayBufferWriter<byte> buffer)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), -1);
        buffer.Advance(4);
    }
}
