using System.Diagnostics;
using System.Text;
using AnnotateHub.Core.Formats;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features;
using AnnotateHub.Web.Features.Export;
using AnnotateHub.Web.Features.Import;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.Benchmarks;

/// <summary>
/// Import and export throughput: generates a JSONL file of D documents with S spans each (three annotators), imports
/// it into a fresh SQLite file through ImportService, then exports it through ExportService to a null stream, and
/// prints spans per second and memory. Deterministic data (seed 7); asserts nothing.
/// Run: dotnet run -c Release --project tests/AnnotateHub.Benchmarks -- datasets [--documents 10000 --spans-per-document 100]
/// </summary>
public static class DatasetBenchmark
{
    public static async Task RunAsync(int documents, int spansPerDocument)
    {
        var dir = Directory.CreateTempSubdirectory("annotatehub-datasets-");
        var connection = $"Data Source={Path.Combine(dir.FullName, "bench.db")}";
        try
        {
            var services = new ServiceCollection();
            services.AddSqliteDbContextFactory(connection);
            services.AddSingleton(TimeProvider.System);
            services.AddLogging();
            // The import reads its limits from the configuration; the benchmark keeps the defaults.
            services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
            services.AddAnnotationServices();
            await using var root = services.BuildServiceProvider();
            var dbFactory = root.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>();
            await DatabaseInitializer.MigrateAsync(dbFactory, CancellationToken.None);
            var adminId = await CreateAdminAsync(dbFactory);

            var file = Path.Combine(dir.FullName, "corpus.jsonl");
            var spans = WriteCorpus(file, documents, spansPerDocument);
            Console.WriteLine($"corpus: {documents:N0} documents, {spans:N0} spans, {new FileInfo(file).Length / (1024.0 * 1024):N1} MB of JSONL");

            var import = root.GetRequiredService<ImportService>();
            GC.Collect();
            var sw = Stopwatch.StartNew();
            ImportReport report;
            await using (var input = File.OpenRead(file))
            {
                report = await import.ImportAsync(input, "corpus.jsonl", new ImportOptions(adminId, ProjectName: "Bench"));
            }
            var importSeconds = sw.Elapsed.TotalSeconds;
            if (!report.Succeeded) throw new InvalidOperationException(string.Join("\n", report.Describe()));
            Console.WriteLine($"import:  {report.Annotations:N0} spans in {importSeconds:N2} s = {report.Annotations / importSeconds:N0} spans/s " +
                              $"(peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MB)");

            var export = root.GetRequiredService<ExportService>();
            foreach (var (format, layer) in new[] { ("jsonl", "all"), ("spacy", "all"), ("csv", "all"), ("conll", "majority"), ("brat", "all"), ("w3c", "all"), ("parquet", "all") })
            {
                var (request, errors) = ExportRequest.Parse([new("format", format), new("layer", layer)]);
                if (request is null) throw new InvalidOperationException(string.Join(" ", errors));
                GC.Collect();
                var before = GC.GetTotalMemory(forceFullCollection: true);
                var sampler = new MemorySampler();
                sw.Restart();
                var written = await export.WriteAsync(report.ProjectId!.Value, request.Format, request.Options, sampler.Wrap(Stream.Null));
                var seconds = sw.Elapsed.TotalSeconds;
                Console.WriteLine($"export {format,-7} ({layer,-8}): {written:N0} documents, {report.Annotations:N0} spans in {seconds:N2} s = {report.Annotations / seconds,9:N0} spans/s, " +
                                  $"{sampler.Bytes / (1024.0 * 1024),6:N1} MB written; managed heap {before / (1024 * 1024):N0} MB before, at most {sampler.MaxHeap / (1024 * 1024):N0} MB while writing");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    private static async Task<string> CreateAdminAsync(IDbContextFactory<AnnotateHubDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var user = new AppUser { UserName = "bench", NormalizedUserName = "BENCH", SecurityStamp = Guid.NewGuid().ToString() };
        var role = new IdentityRole(AppRoles.Admin) { NormalizedName = AppRoles.Admin.ToUpperInvariant() };
        db.Users.Add(user);
        db.Roles.Add(role);
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = role.Id });
        await db.SaveChangesAsync();
        return user.Id;
    }

    private static readonly string[] Words =
        ["missile", "base", "troops", "Iran", "Iraq", "said", "officials", "attack", "killed", "wounded", "claimed", "reported", "the", "of", "at", "in", "22", "11"];

    private static readonly string[] Labels = ["claim", "actor", "casualty figure"];

    /// <summary>Writes the corpus and returns how many spans it holds.</summary>
    private static long WriteCorpus(string path, int documents, int spansPerDocument)
    {
        var rng = new Random(7);
        long total = 0;
        using var output = File.Create(path);
        string[] annotators = ["ana", "ben", "cy"];
        for (var d = 0; d < documents; d++)
        {
            var text = new StringBuilder();
            // About 12 characters of text per span, so spans do not crowd one another.
            while (text.Length < spansPerDocument * 12) text.Append(Words[rng.Next(Words.Length)]).Append(' ');
            text.Append("doc ").Append(d);
            var length = text.Length;
            var spans = new List<InterchangeSpan>(spansPerDocument);
            for (var s = 0; s < spansPerDocument; s++)
            {
                var start = rng.Next(0, length - 10);
                spans.Add(new InterchangeSpan(annotators[s % 3], start, start + 1 + rng.Next(9), Labels[rng.Next(Labels.Length)]));
            }
            total += spans.Count;
            InterchangeJsonl.WriteLine(output, new InterchangeDocument(d.ToString(), text.ToString(), new Dictionary<string, string?> { ["outlet"] = "Wire" }, annotators, spans, []));
        }
        return total;
    }

    /// <summary>A write-only stream that samples the managed heap every megabyte written.</summary>
    private sealed class MemorySampler
    {
        public long Bytes;
        public long MaxHeap;
        private long _nextSample;

        public Stream Wrap(Stream inner) => new Sampling(this, inner);

        private sealed class Sampling(MemorySampler owner, Stream inner) : Stream
        {
            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
            public override void Write(ReadOnlySpan<byte> buffer)
            {
                owner.Bytes += buffer.Length;
                if (owner.Bytes >= owner._nextSample)
                {
                    owner._nextSample = owner.Bytes + 1024 * 1024;
                    owner.MaxHeap = Math.Max(owner.MaxHeap, GC.GetTotalMemory(false));
                }
                inner.Write(buffer);
            }
            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
            {
                Write(buffer.Span);
                return ValueTask.CompletedTask;
            }
            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
            {
                Write(buffer.AsSpan(offset, count));
                return Task.CompletedTask;
            }
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
