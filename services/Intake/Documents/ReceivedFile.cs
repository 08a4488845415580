using System.Buffers;
using System.Security.Cryptography;

namespace Procedures.Intake.Documents;

/// <summary>
/// An uploaded file read once from the request, hashed and counted on the way, held in pooled chunks of
/// <see cref="ChunkSize"/> bytes that become the stored chunk rows as they are (see <see cref="DocumentStore"/>):
/// the content exists once in memory, never as one contiguous copy, and no temporary file carries personal data.
/// Memory is what the client has actually sent, at most MaxBytes per upload in progress. Dispose returns the
/// chunks to the pool, cleared.
/// </summary>
public sealed class ReceivedFile : IDisposable
{
    /// <summary>Size of one stored chunk: big enough for few rows, small enough to bound memory per row on reads.</summary>
    public const int ChunkSize = 1024 * 1024;

    private readonly List<byte[]> _chunks = [];
    private byte[] _header = [];

    private ReceivedFile() { }

    /// <summary>Bytes received.</summary>
    public long Size { get; private set; }

    /// <summary>SHA-256 of the content, lowercase hex.</summary>
    public string Sha256 { get; private set; } = "";

    /// <summary>The first bytes (up to <see cref="FileSniffer.HeaderLength"/>), for sniffing.</summary>
    public ReadOnlySpan<byte> Header => _header;

    /// <summary>The content in order, as full chunks of <see cref="ChunkSize"/> bytes and a shorter last one.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Chunks()
    {
        for (var i = 0; i < _chunks.Count; i++)
        {
            var length = i < _chunks.Count - 1 ? ChunkSize : (int)(Size - (long)i * ChunkSize);
            yield return _chunks[i].AsMemory(0, length);
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/> to its end, hashing as it goes. Returns null as soon as more than
    /// <paramref name="maxBytes"/> arrive (the rest is not read); an empty source gives a file of size 0.
    /// </summary>
    public static async Task<ReceivedFile?> ReceiveAsync(Stream source, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var file = new ReceivedFile();
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[]? current = null;
            var filled = ChunkSize;
            while (true)
            {
                if (filled == ChunkSize)
                {
                    current = ArrayPool<byte>.Shared.Rent(ChunkSize);
                    file._chunks.Add(current);
                    filled = 0;
                }
                var read = await source.ReadAsync(current.AsMemory(filled, ChunkSize - filled), ct);
                if (read == 0) break;
                hash.AppendData(current!, filled, read);
                if (file._header.Length < FileSniffer.HeaderLength)
                {
                    var take = Math.Min(FileSniffer.HeaderLength - file._header.Length, read);
                    file._header = [.. file._header, .. current.AsSpan(filled, take)];
                }
                filled += read;
                file.Size += read;
                if (file.Size > maxBytes)
                {
                    file.Dispose();
                    return null;
                }
            }
            // The chunk rented for bytes that never came holds nothing.
            if (filled == 0) file.ReturnLast();
            file.Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private void ReturnLast()
    {
        ArrayPool<byte>.Shared.Return(_chunks[^1], clearArray: true);
        _chunks.RemoveAt(_chunks.Count - 1);
    }

    public void Dispose()
    {
        while (_chunks.Count > 0) ReturnLast();
    }
}
