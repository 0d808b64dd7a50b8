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
