using System.IO.Compression;
using System.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// A zip written straight to an output stream, entry by entry: the archive writes synchronously into an
/// <see cref="OutputBuffer"/>, which is drained asynchronously after each entry, so memory holds one entry at a time.
/// </summary>
internal sealed class ZipOutput
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private readonly OutputBuffer _buffer;
    private readonly ZipArchive _zip;
    private readonly DateTimeOffset _time = DateTimeOffset.UtcNow;

    public ZipOutput(Stream output)
    {
        _buffer = new OutputBuffer(output);
        _zip = new ZipArchive(_buffer, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Utf8);
    }

    public async Task AddAsync(string name, string content, CancellationToken ct)
    {
        var entry = _zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = _time;
        using (var stream = entry.Open())
        {
            stream.Write(Utf8.GetBytes(content));
        }
        await _buffer.DrainIfFullAsync(ct);
    }

    /// <summary>Copies <paramref name="source"/> from its start into a new entry, a chunk at a time.</summary>
    public async Task AddFromAsync(string name, Stream source, CancellationToken ct)
    {
        var entry = _zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = _time;
        source.Position = 0;
        var chunk = new byte[64 * 1024];
        using (var stream = entry.Open())
        {
            int read;
            while ((read = await source.ReadAsync(chunk, ct)) > 0)
            {
                stream.Write(chunk, 0, read);
                await _buffer.DrainIfFullAsync(ct);
            }
        }
        await _buffer.DrainIfFullAsync(ct);
    }

    /// <summary>Writes the central directory and drains everything.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        _zip.Dispose();
        await _buffer.DrainAsync(ct);
    }
}
