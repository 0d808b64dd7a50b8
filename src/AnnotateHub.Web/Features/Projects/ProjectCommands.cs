using AnnotateHub.Core.Projects;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Projects;

// The "projects ..." commands: the team of a project from a shell, through TeamService like the Team tab. The command
// line is the server's operator, so it acts as an admin (the first by user name, or --as NAME).

public sealed class ProjectsListCommand : Command
{
    public override string Name => "projects list";
    public override string Summary => "List projects: id, name, mode, documents, members.";

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        await using var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct);
        var rows = await db.Projects.OrderBy(p => p.Name)
            .Select(p => new { p.Id, p.Name, p.Mode, Documents = p.Documents.Count, Members = db.ProjectMembers.Count(m => m.ProjectId == p.Id) })
            .ToListAsync(ct);
        context.Out.WriteLine("ID  MODE   DOCUMENTS  MEMBERS  NAME");
        foreach (var r in rows)
            context.Out.WriteLine($"{r.Id,-3} {r.Mode.ToString().ToLowerInvariant(),-6} {r.Documents,9}  {r.Members,7}  {r.Name}");
        return ExitCodes.Ok;
    }
}

public sealed class ProjectsAddMemberCommand : Command
{
    public override string Name => "projects add-member";
    public override string Summary => "Add a user to a project (or change their role there).";
    public override IReadOnlyList<string> Parameters => ["PROJECT", "USER"];
    public override IReadOnlyList<CommandOption> Options => [new("--role", "annotator|curator|supervisor", "the user's role in the project (default: annotator)"), ProjectCommandSupport.As];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var role = context.Arguments.Value("--role")?.ToLowerInvariant() switch
        {
            null or "annotator" => ProjectRole.Annotator,
            "supervisor" => ProjectRole.Supervisor,
            "curator" => ProjectRole.Curator,
            var other => throw new CommandUsageException($"--role must be annotator, curator or supervisor, not '{other}'."),
        };
        var (projectId, actor, error) = await ProjectCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var user = context.Arguments.Positional[1];
        var result = await context.Services.GetRequiredService<TeamService>().SetMemberAsync(projectId, actor!, user, role, ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"'{user}' is now {role.ToString().ToLowerInvariant()} of '{context.Arguments.Positional[0]}'.");
        return ExitCodes.Ok;
    }
}

public sealed class ProjectsModeCommand : Command
{
    public override string Name => "projects mode";
    public override string Summary => "Set a project open (annotators see each other's spans) or blind (only their own).";
    public override IReadOnlyList<string> Parameters => ["PROJECT", "open|blind"];
    public override IReadOnlyList<CommandOption> Options => [ProjectCommandSupport.As];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var mode = context.Arguments.Positional[1].ToLowerInvariant() switch
        {
            "open" => ProjectMode.Open,
            "blind" => ProjectMode.Blind,
            var other => throw new CommandUsageException($"The mode must be open or blind, not '{other}'."),
        };
        var (projectId, actor, error) = await ProjectCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var result = await context.Services.GetRequiredService<TeamService>().SetModeAsync(projectId, actor!, mode, ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"'{context.Arguments.Positional[0]}' is now {mode.ToString().ToLowerInvariant()}.");
        return ExitCodes.Ok;
    }
}

public sealed class ProjectsAssignCommand : Command
{
    public override string Name => "projects assign";
    public override string Summary => "Give each document of a project to K of its annotators, balanced (existing assignments stay).";
    public override IReadOnlyList<string> Parameters => ["PROJECT"];
    public override IReadOnlyList<CommandOption> Options => [new("--each", "K", "annotators per document"), ProjectCommandSupport.As];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var raw = context.Arguments.Value("--each") ?? throw new CommandUsageException("--each K is required.");
        if (!int.TryParse(raw, out var each)) throw new CommandUsageException($"--each must be a number, not '{raw}'.");
        var (projectId, actor, error) = await ProjectCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var result = await context.Services.GetRequiredService<TeamService>().AssignEachAsync(projectId, actor!, each, ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"{result.Count} assignment{(result.Count == 1 ? "" : "s")} made.");
        return ExitCodes.Ok;
    }
}

public static class ProjectCommandSupport
{
    public static readonly CommandOption As = new("--as", "NAME", "the admin to act as (default: the first admin by name)");

    /// <summary>The project named by the first argument (by name, or by id) and the admin the command acts as.</summary>
    public static async Task<(int ProjectId, string? ActorId, string? Error)> ResolveAsync(CommandContext context, CancellationToken ct)
    {
        await using var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct);
        var project = context.Arguments.Positional[0];
        var projectId = await FindProjectAsync(db, project, ct);
        if (projectId is null) return (0, null, NoSuchProject(project));

        var (actor, error) = await ActorAsync(context, db, ct);
        if (actor is null) return (0, null, error);
        return (projectId.Value, actor, null);
    }

    /// <summary>A project by name, or else by id: how every command names one.</summary>
    public static async Task<int?> FindProjectAsync(AnnotateHubDbContext db, string nameOrId, CancellationToken ct)
    {
        var projectId = await db.Projects.Where(p => p.Name == nameOrId).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
        if (projectId is null && int.TryParse(nameOrId, out var id) && await db.Projects.AnyAsync(p => p.Id == id, ct)) projectId = id;
        return projectId;
    }

    public static string NoSuchProject(string nameOrId) => $"There is no project named \"{nameOrId}\" (see: projects list).";

    /// <summary>The admin the command acts as: --as NAME, or the first admin by user name.</summary>
    public static async Task<(string? ActorId, string? Error)> ActorAsync(CommandContext context, AnnotateHubDbContext db, CancellationToken ct)
    {
        var admins = from ur in db.UserRoles
                     join r in db.Roles on ur.RoleId equals r.Id
                     join u in db.Users on ur.UserId equals u.Id
                     where r.Name == AppRoles.Admin
                     orderby u.UserName
                     select new { u.Id, u.NormalizedUserName };
        var actorName = context.Arguments.Value("--as");
        var normalized = actorName?.ToUpperInvariant();
        var actor = actorName is null
            ? await admins.Select(a => a.Id).FirstOrDefaultAsync(ct)
            : await admins.Where(a => a.NormalizedUserName == normalized).Select(a => a.Id).FirstOrDefaultAsync(ct);
        if (actor is null) return (null, actorName is null ? "There is no admin yet: make one with 'users add NAME --role admin' (or start the app once)." : $"'{actorName}' is not an admin.");
        return (actor, null);
    }
}
