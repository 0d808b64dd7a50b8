using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// A zip written straight to an output stream, entry by entry, in memory that does not grow with the number of
/// entries (decision 0039): each entry is a local header, its deflated bytes and a data descriptor, drained after each
/// entry; the central directory's records go to a temporary file as they are made and are copied out at the end.
/// (System.IO.Compression's ZipArchive keeps an object of about 350 bytes per entry until it is disposed: 67 MB for
/// the 200,000 entries of a 100,000-document brat export.) Zip64 records are written where the format needs them:
/// more than 65,535 entries, or an entry or offset past 4 GiB.
/// </summary>
public sealed class ZipOutput : IAsyncDisposable
{
    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint DataDescriptorSignature = 0x08074b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    // Bit 3: sizes and CRC follow the data (a stream cannot go back); bit 11: names are UTF-8.
    private const ushort Flags = 1 << 3 | 1 << 11;
    private const ushort Deflate = 8;
    private const uint Max32 = uint.MaxValue;
    /// <summary>An entry whose uncompressed size may reach this is written with Zip64 sizes from its local header on.</summary>
    private const long Zip64EntryThreshold = 0xF000_0000;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private readonly OutputBuffer _buffer;
    private readonly FileStream _directory;
    private readonly ushort _dosTime;
    private readonly ushort _dosDate;
    private long _entries;

    /// <summary>
    /// Starts a zip on <paramref name="output"/> (which is never closed) and creates the temporary file of the central
    /// directory, deleted when this is disposed. Every entry is stamped with the UTC time of this call.
    /// </summary>
    public ZipOutput(Stream output)
    {
        _buffer = new OutputBuffer(output);
        _directory = new FileStream(Path.Combine(Path.GetTempPath(), $"annotatehub-zipdir-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        var now = DateTime.UtcNow;
        _dosTime = (ushort)(now.Hour << 11 | now.Minute << 5 | now.Second / 2);
        _dosDate = (ushort)((now.Year - 1980) << 9 | now.Month << 5 | now.Day);
    }

    /// <summary>Adds an entry holding <paramref name="content"/> as UTF-8 (no byte-order mark), deflated; <paramref name="name"/> is the path inside the zip, also UTF-8.</summary>
    public async Task AddAsync(string name, string content, CancellationToken ct)
    {
        var bytes = Utf8.GetBytes(content);
        using (var entry = Begin(name, bytes.Length))
        {
            entry.Write(bytes);
        }
        await _buffer.DrainIfFullAsync(ct);
    }

    /// <summary>Copies <paramref name="source"/> from its start into a new entry, a chunk at a time.</summary>
    public async Task AddFromAsync(string name, Stream source, CancellationToken ct)
    {
        source.Position = 0;
        var chunk = new byte[64 * 1024];
        using (var entry = Begin(name, source.Length))
        {
            int read;
            while ((read = await source.ReadAsync(chunk, ct)) > 0)
            {
                entry.Write(chunk.AsSpan(0, read));
                await _buffer.DrainIfFullAsync(ct);
            }
        }
        await _buffer.DrainIfFullAsync(ct);
    }

    /// <summary>Writes the central directory and the end records, and drains everything.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        var directoryStart = _buffer.Position;
        _directory.Position = 0;
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await _directory.ReadAsync(chunk, ct)) > 0)
        {
            _buffer.Write(chunk, 0, read);
            await _buffer.DrainIfFullAsync(ct);
        }
        var directorySize = _buffer.Position - directoryStart;

        if (_entries >= ushort.MaxValue || directoryStart >= Max32 || directorySize >= Max32)
        {
            var zip64End = _buffer.Position;
            Span<byte> record = stackalloc byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(record, Zip64EndSignature);
            BinaryPrimitives.WriteUInt64LittleEndian(record[4..], 44); // the size of the rest of this record
            BinaryPrimitives.WriteUInt16LittleEndian(record[12..], 45); // made by: 4.5
            BinaryPrimitives.WriteUInt16LittleEndian(record[14..], 45); // needed: 4.5
            BinaryPrimitives.WriteUInt32LittleEndian(record[16..], 0); // this disk
            BinaryPrimitives.WriteUInt32LittleEndian(record[20..], 0); // the directory's disk
            BinaryPrimitives.WriteUInt64LittleEndian(record[24..], (ulong)_entries);
            BinaryPrimitives.WriteUInt64LittleEndian(record[32..], (ulong)_entries);
            BinaryPrimitives.WriteUInt64LittleEndian(record[40..], (ulong)directorySize);
            BinaryPrimitives.WriteUInt64LittleEndian(record[48..], (ulong)directoryStart);
            _buffer.Write(record);
            Span<byte> locator = stackalloc byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, Zip64LocatorSignature);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[4..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(locator[8..], (ulong)zip64End);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1); // disks in all
            _buffer.Write(locator);
        }
        Span<byte> end = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, EndSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], (ushort)Math.Min(_entries, ushort.MaxValue));
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], (ushort)Math.Min(_entries, ushort.MaxValue));
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)Math.Min(directorySize, Max32));
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], (uint)Math.Min(directoryStart, Max32));
        _buffer.Write(end);
        await _buffer.DrainAsync(ct);
    }

    /// <summary>Deletes the temporary directory file. It neither finishes the zip nor closes the output: call <see cref="FinishAsync"/> first.</summary>
    public ValueTask DisposeAsync() => _directory.DisposeAsync();

    private Entry Begin(string name, long expectedLength)
    {
        var nameBytes = Utf8.GetBytes(name);
        var zip64 = expectedLength >= Zip64EntryThreshold;
        var offset = _buffer.Position;
        var header = new byte[30 + nameBytes.Length + (zip64 ? 20 : 0)];
        BinaryPrimitives.WriteUInt32LittleEndian(header, LocalHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), (ushort)(zip64 ? 45 : 20));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), Deflate);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), _dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(12), _dosDate);
        // CRC and sizes (14..25) are zero here and given in the data descriptor; for Zip64 the sizes say "see the extra field".
        if (zip64)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(18), Max32);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(22), Max32);
        }
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(26), (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)(zip64 ? 20 : 0));
        nameBytes.CopyTo(header, 30);
        if (zip64)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(30 + nameBytes.Length), 1); // the Zip64 extra field
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32 + nameBytes.Length), 16); // two sizes, zero until the descriptor
        }
        _buffer.Write(header);
        return new Entry(this, nameBytes, offset, zip64);
    }

    private void End(Entry entry, uint crc, long uncompressed, long compressed)
    {
        var zip64 = entry.Zip64;
        if (!zip64 && (uncompressed >= Max32 || compressed >= Max32))
            throw new InvalidOperationException($"The zip entry {Utf8.GetString(entry.Name)} grew past 4 GiB without Zip64 sizes.");
        Span<byte> descriptor = stackalloc byte[zip64 ? 24 : 16];
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor, DataDescriptorSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[4..], crc);
        if (zip64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[8..], (ulong)compressed);
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[16..], (ulong)uncompressed);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor[8..], (uint)compressed);
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor[12..], (uint)uncompressed);
        }
        _buffer.Write(descriptor);

        // The central directory's record: Zip64 values for whatever does not fit in 32 bits, in the order the format sets.
        var large = new List<ulong>(3);
        if (zip64 || uncompressed >= Max32) large.Add((ulong)uncompressed);
        if (zip64 || compressed >= Max32) large.Add((ulong)compressed);
        if (entry.Offset >= Max32) large.Add((ulong)entry.Offset);
        var extraLength = large.Count == 0 ? 0 : 4 + 8 * large.Count;
        var record = new byte[46 + entry.Name.Length + extraLength];
        var needed = (ushort)(large.Count > 0 ? 45 : 20);
        BinaryPrimitives.WriteUInt32LittleEndian(record, CentralHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(4), needed); // made by (MS-DOS attributes)
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(6), needed);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(8), Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(10), Deflate);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(12), _dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(14), _dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(16), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(20), zip64 || compressed >= Max32 ? Max32 : (uint)compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(24), zip64 || uncompressed >= Max32 ? Max32 : (uint)uncompressed);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(28), (ushort)entry.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(30), (ushort)extraLength);
        // comment length, disk, internal and external attributes stay zero
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(42), entry.Offset >= Max32 ? Max32 : (uint)entry.Offset);
        entry.Name.CopyTo(record, 46);
        if (large.Count > 0)
        {
            var at = 46 + entry.Name.Length;
            BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(at), 1);
            BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(at + 2), (ushort)(8 * large.Count));
            for (var i = 0; i < large.Count; i++) BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(at + 4 + 8 * i), large[i]);
        }
        _directory.Write(record);
        _entries++;
    }

    /// <summary>One entry being written: deflates what it is given into the buffer, counting and checksumming it.</summary>
    private sealed class Entry : IDisposable
    {
        private readonly ZipOutput _zip;
        private readonly DeflateStream _deflate;
        private readonly Crc32 _crc = new();
        private readonly long _dataStart;
        private long _uncompressed;

        public Entry(ZipOutput zip, byte[] name, long offset, bool zip64)
        {
            _zip = zip;
            Name = name;
            Offset = offset;
            Zip64 = zip64;
            _dataStart = zip._buffer.Position;
            _deflate = new DeflateStream(zip._buffer, CompressionLevel.Optimal, leaveOpen: true);
        }

        public byte[] Name { get; }
        public long Offset { get; }
        public bool Zip64 { get; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            _crc.Append(bytes);
            _uncompressed += bytes.Length;
            _deflate.Write(bytes);
        }

        public void Dispose()
        {
            _deflate.Dispose(); // flushes the last deflate block into the buffer
            _zip.End(this, _crc.GetCurrentHashAsUInt32(), _uncompressed, _zip._buffer.Position - _dataStart);
        }
    }
}
