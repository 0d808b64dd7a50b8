using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using AnnotateHub.Core.Formats;

namespace AnnotateHub.Tests.Core.Formats;

public sealed class ZipExpansionBudgetTests
{
    private static byte[] Zip(params (string Name, string Text)[] files)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in files)
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        return zip.ToArray();
    }

    [Fact]
    public void Bytes_actually_read_count_against_the_total_and_the_budget_stays_spent()
    {
        var budget = new ZipExpansionBudget(maxEntryBytes: 1024 * 1024, maxTotalBytes: 100_000);

        var first = budget.Read(new MemoryStream(new byte[60_000]), out var firstTooLarge);
        var second = budget.Read(new MemoryStream(new byte[60_000]), out var secondTooLarge);
        var third = budget.Read(new MemoryStream(new byte[10]), out _);

        Assert.Equal((60_000, false), (first!.Length, firstTooLarge));
        Assert.Null(second);
        Assert.False(secondTooLarge);
        Assert.True(budget.Exhausted);
        Assert.True(budget.BytesRead > 100_000, $"read {budget.BytesRead}");
        Assert.Null(third);
    }

    [Fact]
    public void An_entry_larger_than_its_limit_is_too_large_without_spending_the_total()
    {
        var budget = new ZipExpansionBudget(maxEntryBytes: 1000, maxTotalBytes: 1_000_000);

        Assert.Null(budget.Read(new MemoryStream(new byte[5000]), out var tooLarge));
        Assert.True(tooLarge);
        Assert.False(budget.Exhausted);
        Assert.Equal(500, budget.Read(new MemoryStream(new byte[500]), out _)!.Length);
    }

    [Fact]
    public void Declared_sizes_that_pass_the_total_refuse_the_zip_before_reading()
    {
        using var archive = new ZipArchive(new MemoryStream(Zip(("a.txt", new string('a', 600)), ("b.txt", new string('b', 600))), writable: false));
        var budget = new ZipExpansionBudget(maxEntryBytes: 1000, maxTotalBytes: 1000);

        Assert.True(budget.DeclaredTooLarge(archive.Entries));
        Assert.False(new ZipExpansionBudget(1000, 1200).DeclaredTooLarge(archive.Entries));
        Assert.Equal(0, budget.BytesRead);
    }

    private static byte[] Lying(byte[] bytes, uint declared)
    {
        for (var i = 0; i + 4 <= bytes.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            if (signature == 0x04034b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 22), declared); // local header
            if (signature == 0x02014b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), declared); // central directory
        }
        return bytes;
    }

    [Fact]
    public void An_entry_that_declares_less_than_it_holds_is_refused_not_cut_short()
    {
        // The runtime stops a deflated entry at its declared size; the CRC-32 of the 100 bytes read then does not match.
        var bytes = Lying(Zip(("a.txt", string.Concat(Enumerable.Repeat("Rockets hit the base. ", 50_000)))), declared: 100);
        using var archive = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var budget = new ZipExpansionBudget(maxEntryBytes: 1_000_000, maxTotalBytes: 1_000_000);

        var e = Assert.Throws<InvalidDataException>(() => budget.Read(archive.Entries.Single(), out _));

        Assert.Contains("does not match its checksum", e.Message, StringComparison.Ordinal);
        Assert.Equal(100L, budget.BytesRead);
    }

    [Fact]
    public void A_brat_entry_that_lies_about_its_size_is_an_error_of_its_path()
    {
        var bytes = Lying(Zip(("a.txt", string.Concat(Enumerable.Repeat("Rockets hit the base. ", 5_000))), ("a.ann", "")), declared: 100);

        var read = BratReader.Read(new MemoryStream(bytes), new ZipExpansionBudget(1_000_000, 1_000_000)).ToList();

        var error = Assert.Single(Assert.Single(read).Errors);
        Assert.StartsWith("cannot be read from the zip (its content does not match its checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_brat_zip_past_its_total_stops_with_an_error_saying_so()
    {
        var bytes = Zip(("a.txt", new string('a', 600)), ("a.ann", ""), ("b.txt", new string('b', 600)), ("b.ann", ""));
        var budget = new ZipExpansionBudget(maxEntryBytes: 1000, maxTotalBytes: 1000);

        var read = BratReader.Read(new MemoryStream(bytes), budget).ToList();

        Assert.Equal(["a.ann", "b.txt"], read.Select(r => r.Path));
        Assert.NotNull(read[0].Document);
        Assert.Equal("the zip expands to more than 1000 bytes", Assert.Single(read[1].Errors).Message);
        Assert.True(budget.Exhausted);
    }
}
