using AnnotateHub.IntegrationTests.Browser;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.IntegrationTests.Scale;

/// <summary>
/// A server (with its own Chromium) whose database holds a project of <see cref="Documents"/> documents, more than
/// SQLite's limit of 32,766 parameters in one statement: any query that carries one parameter per document fails here.
/// Three annotators (real accounts that can sign in) have each marked every document done and made one span in each.
/// Its own server, so the other browser tests never see the big project.
/// </summary>
public sealed class LargeProjectFixture : IAsyncLifetime
{
    public const int Documents = 33_000;
    public const int SpansPerDocument = 3;
    public static readonly string[] AnnotatorNames = ["bulk-ana", "bulk-ben", "bulk-cy"];

    public BrowserFixture Browser { get; } = new();
    public AppServer Server => Browser.Server;
    public int ProjectId { get; private set; }
    public IReadOnlyList<string> AnnotatorIds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        var annotators = new List<string>();
        foreach (var name in AnnotatorNames) annotators.Add(await Server.CreateUserAsync(name));
        AnnotatorIds = annotators;
        var corpus = LargeCorpus.Write(Server.DatabasePath, "Bulk project", await Server.AdminIdAsync(), annotators, Documents, SpansPerDocument);
        ProjectId = corpus.ProjectId;
        Server.Get<ProjectAccess>().Invalidate(ProjectId);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();

    /// <summary>The documents' numbers in the project page's default order: by date, then title.</summary>
    public static IReadOnlyList<int> DefaultOrder { get; } =
        Enumerable.Range(0, Documents).OrderBy(LargeCorpus.PublishedOf).ThenBy(LargeCorpus.TitleOf, StringComparer.Ordinal).ToList();

    public async Task<HttpClient> ClientAsync(string userName, string password)
    {
        var client = Server.CreateHttpClient(allowAutoRedirect: false);
        client.Timeout = TimeSpan.FromMinutes(5);
        client.DefaultRequestHeaders.Add("Cookie", await Server.SignInCookieAsync(userName, password));
        client.DefaultRequestHeaders.Add("Origin", Server.Origin);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class LargeProjectCollection : ICollectionFixture<LargeProjectFixture>
{
    public const string Name = "Large project";
}
