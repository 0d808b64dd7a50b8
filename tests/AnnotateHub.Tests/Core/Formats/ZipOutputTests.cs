using System.IO.Compression;
using System.Text;
using AnnotateHub.Core.Formats;

namespace AnnotateHub.Tests.Core.Formats;

/// <summary>
/// The streaming zip writer (decision 0039) writes archives that .NET's own reader opens entry for entry, Zip64
/// included (more than 65,535 entries), on a stream that only takes asynchronous writes and cannot seek.
/// </summary>
public sealed class ZipOutputTests
{
    [Fact]
    public async Task Entries_read_back_byte_for_byte_with_their_names_in_order()
    {
        using var output = new AsyncOnlyStream();
        var big = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"line {i} — ünïcode ✓\n"));
        var entries = new (string Name, string Content)[]
        {
            ("a.txt", "Hello, world."),
            ("folder/é-名前.ann", "T1\tclaim 0 5\tHello\n"),
            ("empty.txt", ""),
            ("big.txt", big),
        };
        await using (var zip = new ZipOutput(output))
        {
            foreach (var (name, content) in entries) await zip.AddAsync(name, content, CancellationToken.None);
            using var source = new MemoryStream(Encoding.UTF8.GetBytes("from a stream, copied in chunks"));
            await zip.AddFromAsync("streamed.txt", source, CancellationToken.None);
            await zip.FinishAsync(CancellationToken.None);
        }

        using var archive = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(["a.txt", "folder/é-名前.ann", "empty.txt", "big.txt", "streamed.txt"], archive.Entries.Select(e => e.FullName));
        foreach (var (name, content) in entries) Assert.Equal(content, Read(archive.GetEntry(name)!));
        Assert.Equal("from a stream, copied in chunks", Read(archive.GetEntry("streamed.txt")!));
        // Deflated, not stored: the repetitive big entry shrinks.
        Assert.True(archive.GetEntry("big.txt")!.CompressedLength < Encoding.UTF8.GetByteCount(big) / 4);
    }

    [Fact]
    public async Task More_than_65535_entries_get_Zip64_end_records_that_readers_follow()
    {
        const int count = 70_000;
        using var output = new AsyncOnlyStream();
        await using (var zip = new ZipOutput(output))
        {
            for (var i = 0; i < count; i++) await zip.AddAsync($"doc-{i:D5}.txt", $"document {i}", CancellationToken.None);
            await zip.FinishAsync(CancellationToken.None);
        }

        var bytes = output.ToArray();
        using var archive = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        Assert.Equal(count, archive.Entries.Count);
        Assert.Equal("document 0", Read(archive.Entries[0]));
        Assert.Equal($"doc-{count - 1:D5}.txt", archive.Entries[^1].FullName);
        Assert.Equal($"document {count - 1}", Read(archive.Entries[^1]));
        Assert.Equal("document 65536", Read(archive.GetEntry("doc-65536.txt")!));
        // The Zip64 end-of-directory record and its locator sit before the classic end record, which says "see Zip64".
        var zip64End = new byte[] { 0x50, 0x4b, 0x06, 0x06 };
        Assert.True(bytes.AsSpan().LastIndexOf(zip64End) > 0);
        Assert.Equal(0xFFFF, BitConverter.ToUInt16(bytes, bytes.Length - 22 + 10));
    }

    [Fact]
    public async Task Each_entry_carries_the_CRC_32_and_sizes_of_its_content()
    {
        var content = new string('a', 10) + "the words a reader checks" + new string('b', 10);
        using var output = new AsyncOnlyStream();
        await using (var zip = new ZipOutput(output))
        {
            await zip.AddAsync("only.txt", content, CancellationToken.None);
            await zip.FinishAsync(CancellationToken.None);
        }

        using var archive = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        var entry = Assert.Single(archive.Entries);
        var bytes = Encoding.UTF8.GetBytes(content);
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(bytes), entry.Crc32);
        Assert.Equal(bytes.Length, entry.Length);
        Assert.True(entry.CompressedLength is > 0 and < 45);
    }

    private static string Read(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
