using System.IO.Compression;
using System.Text;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Import;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Import;

/// <summary>A server whose zips may expand to 1 MB in all (<c>Import:MaxZipExpandedBytes</c>), so a test zip can pass it cheaply.</summary>
public sealed class SmallZipLimitServer : IAsyncLifetime
{
    public const long MaxZipExpandedBytes = 1024 * 1024;

    public AppServer Server { get; } = new(new Dictionary<string, string?> { ["Import:MaxZipExpandedBytes"] = MaxZipExpandedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>A zip whose files together expand past the limit is refused as a whole, whatever each file's size.</summary>
public sealed class ImportZipLimitTests(SmallZipLimitServer fixture) : IClassFixture<SmallZipLimitServer>
{
    private AppServer Server => fixture.Server;

    /// <summary>A zip of <paramref name="files"/> articles of 64 KB of repeated text each (a few hundred bytes compressed).</summary>
    private static MemoryStream ZipOfArticles(string u, int files)
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < files; i++)
            {
                var sentence = $"Article {i} {u}: rockets hit the base again. ";
                var text = new StringBuilder().Insert(0, sentence, 64 * 1024 / sentence.Length).ToString();
                using var writer = new StreamWriter(archive.CreateEntry($"article-{i:D2}.txt").Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }
        zip.Position = 0;
        return zip;
    }

    [Fact]
    public async Task A_zip_whose_files_together_expand_past_the_limit_is_refused_with_one_error_and_imports_nothing()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        using var zip = ZipOfArticles(u, files: 24); // 24 x 64 KB = 1.5 MB of text from a zip of a few KB
        Assert.True(zip.Length < 64 * 1024, $"the zip is {zip.Length} bytes");

        var report = await Server.Get<ImportService>().ImportAsync(zip, "bomb.zip", new ImportOptions(await Server.AdminIdAsync(), ProjectName: "Zip limit " + u));

        Assert.False(report.Succeeded);
        var error = Assert.Single(report.Errors);
        Assert.Equal((0, null), (error.Line, error.Field));
        Assert.Equal("the zip's files expand to more than 1 MB; at most that much is read from one zip, so split it into smaller zips", error.Message);
        Assert.Equal("Nothing was imported: 1 error.", report.Describe().First());
        await using var db = Server.CreateDbContext();
        Assert.False(await db.Projects.IgnoreQueryFilters().AnyAsync(p => p.Name == "Zip limit " + u));
        Assert.False(await db.Documents.AnyAsync(d => d.Text.Contains(u)));
        Assert.Equal(0, await db.ImportBatches.CountAsync());
    }

    [Fact]
    public async Task A_zip_under_the_limit_imports_every_file()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        using var zip = ZipOfArticles(u, files: 12); // 768 KB of text

        var report = await Server.Get<ImportService>().ImportAsync(zip, "fine.zip", new ImportOptions(await Server.AdminIdAsync(), ProjectName: "Zip fine " + u));

        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        Assert.Equal(12, report.Documents);
        await using var db = Server.CreateDbContext();
        Assert.Equal(12, await db.Documents.CountAsync(d => d.ProjectId == report.ProjectId));
    }
}
