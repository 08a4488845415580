using System.Security.Cryptography;
using System.Text;
using Procedures.Intake.Documents;

namespace Procedures.Services.Tests.Documents;

[Trait("Kind", "Pure")]
public sealed class ReceivedFileTests
{
    private static Task<ReceivedFile?> ReceiveAsync(byte[] content, long maxBytes, int readSize = int.MaxValue)
        => ReceivedFile.ReceiveAsync(new TrickleStream(content, readSize), maxBytes, CancellationToken.None);

    private static byte[] Concat(ReceivedFile file) => file.Chunks().SelectMany(c => c.ToArray()).ToArray();

    [Fact]
    public async Task Sha256_and_size_of_a_known_input_are_right()
    {
        using var file = await ReceiveAsync(Encoding.ASCII.GetBytes("abc"), 1024);

        Assert.Equal(3, file!.Size);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", file.Sha256);
        Assert.Equal("abc"u8.ToArray(), Concat(file));
    }

    [Theory]
    [InlineData(1)]         // one byte per read: the header is assembled across reads
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public async Task Multi_chunk_content_is_kept_whole_and_hashed_as_it_streams(int readSize)
    {
        var content = Samples.Random(ReceivedFile.ChunkSize * 2 + 12_345);
        if (readSize == 1) content = content[..40_000];

        using var file = await ReceiveAsync(content, content.Length, readSize);

        Assert.Equal(content.Length, file!.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), file.Sha256);
        Assert.Equal(content[..FileSniffer.HeaderLength], file.Header.ToArray());
        Assert.Equal(content, Concat(file));
        Assert.All(file.Chunks().SkipLast(1), c => Assert.Equal(ReceivedFile.ChunkSize, c.Length));
    }

    [Fact]
    public async Task Content_of_exactly_one_chunk_has_no_empty_trailing_chunk()
    {
        using var file = await ReceiveAsync(Samples.Random(ReceivedFile.ChunkSize), ReceivedFile.ChunkSize);

        Assert.Equal(ReceivedFile.ChunkSize, Assert.Single(file!.Chunks()).Length);
    }

    [Fact]
    public async Task Content_at_the_limit_is_accepted_and_one_byte_more_is_refused_without_reading_the_rest()
    {
        var atLimit = await ReceiveAsync(Samples.Random(1000), 1000);
        Assert.Equal(1000, atLimit!.Size);
        atLimit.Dispose();

        var source = new TrickleStream(Samples.Random(10_000_000), 64 * 1024);
        Assert.Null(await ReceivedFile.ReceiveAsync(source, 1000, CancellationToken.None));
        Assert.True(source.Position < 1_000_000, "reading should stop soon after the limit");
    }

    [Fact]
    public async Task Empty_content_has_size_0_and_no_chunks()
    {
        using var file = await ReceiveAsync([], 1000);

        Assert.Equal(0, file!.Size);
        Assert.Empty(file.Chunks());
        Assert.True(file.Header.IsEmpty);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", file.Sha256);
    }

    /// <summary>A network-like stream: at most <c>readSize</c> bytes per read.</summary>
    private sealed class TrickleStream(byte[] content, int readSize) : MemoryStream(content, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);
    }
}
