using System.IO.Compression;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// How far one zip may expand as it is read: at most <see cref="MaxEntryBytes"/> per entry and
/// <see cref="MaxTotalBytes"/> for the whole archive, counted in bytes actually decompressed (an entry's declared size
/// can lie), so a small zip cannot fill memory however it is built.
/// </summary>
public sealed class ZipExpansionBudget
{
    /// <summary>A budget of <paramref name="maxEntryBytes"/> per entry and <paramref name="maxTotalBytes"/> in all.</summary>
    public ZipExpansionBudget(long maxEntryBytes, long maxTotalBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntryBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTotalBytes);
        (MaxEntryBytes, MaxTotalBytes) = (maxEntryBytes, maxTotalBytes);
    }

    /// <summary>The largest entry read.</summary>
    public long MaxEntryBytes { get; }

    /// <summary>The most bytes read from all entries together.</summary>
    public long MaxTotalBytes { get; }

    /// <summary>Bytes decompressed so far, over all entries read through this budget.</summary>
    public long BytesRead { get; private set; }

    /// <summary>True once reading passed <see cref="MaxTotalBytes"/>: the archive is refused, read nothing more from it.</summary>
    public bool Exhausted { get; private set; }

    /// <summary>True when the declared sizes of <paramref name="entries"/> together already pass <see cref="MaxTotalBytes"/>
    /// (an honest archive refused before anything is decompressed).</summary>
    public bool DeclaredTooLarge(IEnumerable<ZipArchiveEntry> entries)
    {
        long declared = 0;
        foreach (var entry in entries)
        {
            declared += entry.Length;
            if (declared > MaxTotalBytes) return true;
        }
        return false;
    }

    /// <summary>The entry's bytes; null when it is larger than <see cref="MaxEntryBytes"/> (<paramref name="tooLarge"/>)
    /// or the archive passed <see cref="MaxTotalBytes"/> (<see cref="Exhausted"/>). Throws <see cref="InvalidDataException"/>
    /// when the bytes do not match the entry's CRC-32: the runtime stops a deflated entry at its declared size, so an entry
    /// that declares less than it holds would otherwise come in silently cut short.</summary>
    public byte[]? Read(ZipArchiveEntry entry, out bool tooLarge)
    {
        ArgumentNullException.ThrowIfNull(entry);
        tooLarge = entry.Length > MaxEntryBytes;
        if (tooLarge || Exhausted) return null;
        using var stream = entry.Open();
        var bytes = Read(stream, out tooLarge);
        if (bytes is not null && System.IO.Hashing.Crc32.HashToUInt32(bytes) != entry.Crc32)
            throw new InvalidDataException($"its content does not match its checksum: it holds other or more data than the {entry.Length} bytes it declares");
        return bytes;
    }

    /// <summary>An entry's decompressed stream read whole against the budget (what <see cref="Read(ZipArchiveEntry, out bool)"/> does once it is open).</summary>
    public byte[]? Read(Stream entry, out bool tooLarge)
    {
        ArgumentNullException.ThrowIfNull(entry);
        tooLarge = false;
        if (Exhausted) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = entry.Read(chunk, 0, chunk.Length)) > 0)
        {
            BytesRead += read;
            if (BytesRead > MaxTotalBytes)
            {
                Exhausted = true;
                return null;
            }
            if (buffer.Length + read > MaxEntryBytes)
            {
                tooLarge = true;
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
