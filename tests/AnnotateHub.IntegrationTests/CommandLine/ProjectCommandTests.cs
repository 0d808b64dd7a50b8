using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.CommandLine;

/// <summary>The "projects" commands, in-process against their own SQLite file, checked in the database.</summary>
[Collection(CommandLineCollection.Name)]
public sealed class ProjectCommandTests : CommandLineSandbox
{

    [Fact]
    public async Task An_admin_builds_a_blind_team_from_the_shell()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231")).ExitCode);
        foreach (var name in new[] { "ana", "ben", "cy" }) Assert.Equal(0, (await RunAsync("users", "add", name, "--password", "Annotator-pw-1234")).ExitCode);
        await CreateProjectAsync("Base attacks", documents: 3);

        var added = await RunAsync("projects", "add-member", "Base attacks", "ana");
        await RunAsync("projects", "add-member", "Base attacks", "ben");
        await RunAsync("projects", "add-member", "Base attacks", "cy", "--role", "supervisor");
        var mode = await RunAsync("projects", "mode", "Base attacks", "blind");
        var assign = await RunAsync("projects", "assign", "Base attacks", "--each", "2");

        Assert.Equal((0, "'ana' is now annotator of 'Base attacks'.\n"), (added.ExitCode, added.Out));
        Assert.Equal((0, "'Base attacks' is now blind.\n"), (mode.ExitCode, mode.Out));
        Assert.Equal((0, "6 assignments made.\n"), (assign.ExitCode, assign.Out));
        await using var db = CreateDbContext();
        Assert.Equal(ProjectMode.Blind, await db.Projects.Select(p => p.Mode).SingleAsync());
        var roles = await (from m in db.ProjectMembers join u in db.Users on m.UserId equals u.Id select new { u.UserName, m.Role }).ToDictionaryAsync(x => x.UserName!, x => x.Role);
        Assert.Equal(new Dictionary<string, ProjectRole> { ["ana"] = ProjectRole.Annotator, ["ben"] = ProjectRole.Annotator, ["cy"] = ProjectRole.Supervisor }, roles);
        Assert.Equal(6, await db.Assignments.CountAsync());
    }

    [Fact]
    public async Task Unknown_projects_users_and_modes_are_refused_and_change_nothing()
    {
        await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231");
        await CreateProjectAsync("Base attacks", documents: 1);

        var noProject = await RunAsync("projects", "add-member", "Nope", "root");
        var noUser = await RunAsync("projects", "add-member", "Base attacks", "nobody");
        var badMode = await RunAsync("projects", "mode", "Base attacks", "secret");
        var tooMany = await RunAsync("projects", "assign", "Base attacks", "--each", "3");

        Assert.Equal((1, "error: There is no project named \"Nope\" (see: projects list).\n"), (noProject.ExitCode, noProject.Error));
        Assert.Equal((1, "error: There is no user named \"nobody\".\n"), (noUser.ExitCode, noUser.Error));
        Assert.Equal(2, badMode.ExitCode);
        Assert.StartsWith("error: The mode must be open or blind, not 'secret'.", badMode.Error, StringComparison.Ordinal);
        Assert.Equal((1, "error: The project has no annotators yet; add some first.\n"), (tooMany.ExitCode, tooMany.Error));
        await using var db = CreateDbContext();
        Assert.Equal(ProjectMode.Open, await db.Projects.Select(p => p.Mode).SingleAsync());
        Assert.Equal(0, await db.Assignments.CountAsync());
    }

    [Fact]
    public async Task An_admin_creates_renames_archives_and_deletes_a_project_from_the_shell()
    {
        await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231");
        await CreateProjectAsync("Base attacks", documents: 2);

        var news = await RunAsync("projects", "create", "Field notes", "--description", "Interviews");
        var empty = await RunAsync("projects", "create", "Blank", "--template", "empty");
        var copied = await RunAsync("projects", "create", "Copy", "--labels-from", "Field notes");
        var renamed = await RunAsync("projects", "rename", "Field notes", "Field notes 2020", "--description", "");
        var archived = await RunAsync("projects", "archive", "Field notes 2020");
        var deleted = await RunAsync("projects", "delete", "Base attacks", "--confirm", "Base attacks");

        Assert.Equal((0, "Project 'Field notes' created (id 2).\n"), (news.ExitCode, news.Out));
        Assert.Equal((0, 0, 0, 0), (empty.ExitCode, copied.ExitCode, renamed.ExitCode, archived.ExitCode));
        Assert.Equal("'Field notes 2020' is archived.\n", archived.Out);
        Assert.Equal((0, "Deleted 'Base attacks': 2 documents, 0 annotations, 0 gold spans, 0 members.\n"), (deleted.ExitCode, deleted.Out));
        await using var db = CreateDbContext();
        var projects = await db.Projects.OrderBy(p => p.Id).Select(p => new { p.Name, p.Description, Archived = p.ArchivedAt != null, Labels = p.Labels.Count }).ToListAsync();
        Assert.Equal(["Field notes 2020|||True|3", "Blank|||False|0", "Copy|||False|3"], projects.Select(p => $"{p.Name}||{p.Description}|{p.Archived}|{p.Labels}"));
        Assert.Equal(0, await db.Documents.CountAsync());
        var attributes = await db.Labels.OrderBy(l => l.ProjectId).ThenBy(l => l.SortOrder).Select(l => l.Name + l.Attributes).ToListAsync();
        Assert.Equal(attributes[..3], attributes[3..]);
    }

    [Fact]
    public async Task Bad_names_and_confirmations_are_refused_and_change_nothing()
    {
        await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231");
        await RunAsync("users", "add", "ana", "--password", "Annotator-pw-1234");
        await CreateProjectAsync("Base attacks", documents: 1);
        await CreateProjectAsync("Other", documents: 0);
        var before = await ProjectsStateAsync();

        var runs = new[]
        {
            (await RunAsync("projects", "create", " "), "error: A project needs a name.\n"),
            (await RunAsync("projects", "create", "base ATTACKS"), "error: There is already a project named \"base ATTACKS\".\n"),
            (await RunAsync("projects", "create", new string('n', 201)), "error: A project name is at most 200 characters.\n"),
            (await RunAsync("projects", "create", "New", "--labels-from", "Nope"), "error: There is no project named \"Nope\" (see: projects list).\n"),
            (await RunAsync("projects", "create", "New", "--as", "ana"), "error: 'ana' is not an admin.\n"),
            (await RunAsync("projects", "rename", "Base attacks", "Other"), "error: There is already a project named \"Other\".\n"),
            (await RunAsync("projects", "rename", "Base attacks", ""), "error: A project needs a name.\n"),
            (await RunAsync("projects", "delete", "Base attacks"), "error: To delete the project, confirm with its name, \"Base attacks\" exactly. It holds 1 document, 0 annotations, 0 gold spans, 0 members.\n"),
            (await RunAsync("projects", "delete", "Base attacks", "--confirm", "base attacks"), "error: To delete the project, confirm with its name, \"Base attacks\" exactly. It holds 1 document, 0 annotations, 0 gold spans, 0 members.\n"),
            (await RunAsync("projects", "archive", "Nope"), "error: There is no project named \"Nope\" (see: projects list).\n"),
        };
        var badTemplate = await RunAsync("projects", "create", "New", "--template", "medical");

        foreach (var (run, error) in runs) Assert.Equal((1, error), (run.ExitCode, run.Error));
        Assert.Equal(2, badTemplate.ExitCode);
        Assert.StartsWith("error: --template must be news or empty, not 'medical'.", badTemplate.Error, StringComparison.Ordinal);
        Assert.Equal(before, await ProjectsStateAsync());
    }

    [Fact]
    public async Task A_document_is_renamed_and_deleted_from_the_shell_its_spans_only_when_confirmed()
    {
        await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231");
        await RunAsync("users", "add", "ana", "--password", "Annotator-pw-1234");
        await RunAsync("projects", "create", "Base attacks");
        int documentId;
        await using (var db = CreateDbContext())
        {
            var project = await db.Projects.SingleAsync();
            var document = new Document { ProjectId = project.Id, Title = "Report", Text = "Report text.", Length = 12, ContentHash = "h", CreatedAt = DateTime.UtcNow };
            db.Documents.Add(document);
            await db.SaveChangesAsync();
            documentId = document.Id;
            var ana = await db.Users.Where(u => u.UserName == "ana").Select(u => u.Id).SingleAsync();
            var label = await db.Labels.Where(l => l.ProjectId == project.Id).Select(l => l.Id).FirstAsync();
            db.Annotations.Add(new Annotation { DocumentId = documentId, AnnotatorId = ana, Start = 0, End = 6, LabelId = label, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, Version = 1 });
            await db.SaveChangesAsync();
        }

        var renamed = await RunAsync("documents", "rename", documentId.ToString(System.Globalization.CultureInfo.InvariantCulture), "Pentagon report",
            "--outlet", "AP", "--published", "2020-01-08", "--url", "https://example.org/r");
        var badDate = await RunAsync("documents", "rename", documentId.ToString(System.Globalization.CultureInfo.InvariantCulture), "Other", "--published", "yesterday");
        var noSuch = await RunAsync("documents", "delete", "999");
        var notANumber = await RunAsync("documents", "delete", "Report");
        var unconfirmed = await RunAsync("documents", "delete", documentId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using (var db = CreateDbContext())
        {
            var d = await db.Documents.SingleAsync();
            Assert.Equal(("Pentagon report", "AP", new DateOnly(2020, 1, 8), "https://example.org/r", 1), (d.Title, d.Outlet, d.PublishedOn, d.Url, await db.Annotations.CountAsync()));
        }
        var confirmed = await RunAsync("documents", "delete", documentId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--confirm-spans");

        Assert.Equal((0, $"Document {documentId} is now 'Pentagon report'.\n"), (renamed.ExitCode, renamed.Out));
        Assert.Equal((1, "error: The published date must look like 2020-01-08, not \"yesterday\".\n"), (badDate.ExitCode, badDate.Error));
        Assert.Equal((1, "error: There is no document 999.\n"), (noSuch.ExitCode, noSuch.Error));
        Assert.Equal(2, notANumber.ExitCode);
        Assert.Equal((1, "error: \"Pentagon report\" holds 1 annotation by 1 annotator, 0 gold spans; they would be lost. Add --confirm-spans to delete it anyway.\n"),
            (unconfirmed.ExitCode, unconfirmed.Error));
        Assert.Equal((0, $"Deleted document {documentId} 'Pentagon report': 1 annotation by 1 annotator, 0 gold spans.\n"), (confirmed.ExitCode, confirmed.Out));
        await using (var db = CreateDbContext())
        {
            Assert.Equal((0, 0), (await db.Documents.CountAsync(), await db.Annotations.CountAsync()));
        }
    }

    private async Task<string> ProjectsStateAsync()
    {
        await using var db = CreateDbContext();
        var rows = await db.Projects.OrderBy(p => p.Id).Select(p => new { p.Id, p.Name, p.Description, p.ArchivedAt, Documents = p.Documents.Count, Labels = p.Labels.Count }).ToListAsync();
        return string.Join("\n", rows);
    }

    private async Task CreateProjectAsync(string name, int documents)
    {
        await using var db = CreateDbContext();
        var owner = await db.Users.Where(u => u.UserName == "root").Select(u => u.Id).SingleAsync();
        var project = new Project { Name = name, OwnerId = owner, CreatedAt = DateTime.UtcNow };
        for (var i = 0; i < documents; i++)
        {
            project.Documents.Add(new Document { Title = $"Report {i}", Text = $"Report number {i}.", Length = 17, ContentHash = $"hash{i}", CreatedAt = DateTime.UtcNow });
        }
        db.Projects.Add(project);
        await db.SaveChangesAsync();
    }
}
