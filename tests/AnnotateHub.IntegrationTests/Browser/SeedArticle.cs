using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Browser;

public sealed record SeedArticle(int Id, string Title, string Text)
{
    public const string ExplainerSource = "000_592f17154448cee3.txt";

    public static async Task<SeedArticle> LoadAsync(AppServer server, string sourceName)
    {
        await using var db = server.CreateDbContext();
        return await db.Documents.Where(d => d.SourceName == sourceName)
            .Select(d => new SeedArticle(d.Id, d.Title, d.Text)).SingleAsync();
    }
}
