using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Authorization;

/// <summary>
/// One server with a blind project: supervisor "sup", annotators "ana" and "ben" (both on document One, ana alone on
/// Two), and "out", a user of the server who is in no project. Ana and ben each have one span on document One.
/// Tests that change the mode or add spans use their own project (<see cref="NewProjectAsync"/>).
/// </summary>
public sealed class BlindProjectFixture : IAsyncLifetime
{
    public const string Text = "Rockets struck the base on Monday. Officials said ten soldiers were injured. Iran claimed the strike.";

    public AppServer Server { get; } = new();
    public Team Blind { get; private set; } = null!;

    public sealed record Team(int ProjectId, int One, int Two, int Three, string Sup, string Ana, string Ben, string Out, long AnaSpan, long BenSpan);

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Blind = await NewProjectAsync(ProjectMode.Blind);
    }

    public Task DisposeAsync() => Server.DisposeAsync();

    /// <summary>A project with its own users (names suffixed), documents and the two spans on document One.</summary>
    public async Task<Team> NewProjectAsync(ProjectMode mode)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectId = await Server.CreateProjectAsync("Doors " + suffix);
        var one = await Server.ImportDocumentAsync(projectId, Text + " (one " + suffix + ")");
        var two = await Server.ImportDocumentAsync(projectId, Text + " (two " + suffix + ")");
        var three = await Server.ImportDocumentAsync(projectId, Text + " (three " + suffix + ")");
        var sup = await Server.CreateUserAsync("sup-" + suffix);
        var ana = await Server.CreateUserAsync("ana-" + suffix);
        var ben = await Server.CreateUserAsync("ben-" + suffix);
        var outsider = await Server.CreateUserAsync("out-" + suffix);
        await Server.AddMemberAsync(sup, projectId, ProjectRole.Supervisor);
        await Server.AddMemberAsync(ana, projectId, assignAll: false);
        await Server.AddMemberAsync(ben, projectId, assignAll: false);
        await Server.AssignAsync(ana, one);
        await Server.AssignAsync(ben, one);
        await Server.AssignAsync(ana, two);
        await using (var db = Server.CreateDbContext())
        {
            var project = await db.Projects.SingleAsync(p => p.Id == projectId);
            project.Mode = mode;
            await db.SaveChangesAsync();
        }
        Server.Get<ProjectAccess>().Invalidate(projectId);
        var claim = (await Server.Get<LabelService>().ListAsync(projectId)).Single(l => l.Name == "claim").Id;
        var annotations = Server.Get<AnnotationService>();
        var anaSpan = await annotations.CreateAsync(one, ana, 0, 7, claim, "ana's note");
        var benSpan = await annotations.CreateAsync(one, ben, 35, 44, claim, "ben's secret note");
        if (!anaSpan.Succeeded || !benSpan.Succeeded) throw new InvalidOperationException(anaSpan.Error ?? benSpan.Error);
        return new Team(projectId, one, two, three, sup, ana, ben, outsider, anaSpan.Annotation!.Id, benSpan.Annotation!.Id);
    }

    public async Task<string> UserNameAsync(string userId)
    {
        await using var db = Server.CreateDbContext();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.UserName!).SingleAsync();
    }

    /// <summary>An HTTP client signed in (cookie) as the user.</summary>
    public async Task<HttpClient> ClientAsync(string userId)
    {
        var cookie = await Server.SignInCookieAsync(await UserNameAsync(userId), AppServer.AnnotatorPassword);
        var client = Server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        client.DefaultRequestHeaders.Add("Origin", Server.Origin);
        return client;
    }

    /// <summary>Every span and change of a document, to show that a refused request changed nothing.</summary>
    public async Task<string> StateOfAsync(int documentId)
    {
        await using var db = Server.CreateDbContext();
        var spans = await db.Annotations.AsNoTracking().Where(a => a.DocumentId == documentId).OrderBy(a => a.Id)
            .Select(a => $"{a.Id}:{a.AnnotatorId}:{a.Start}-{a.End}:{a.LabelId}:{a.Note}:v{a.Version}").ToListAsync();
        var changes = await db.DocumentChanges.CountAsync(c => c.DocumentId == documentId);
        return string.Join("|", spans) + $"#changes={changes}";
    }
}
