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
    public override string Summary => "List projects: id, name, mode, documents, members (archived ones say so).";

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        await using var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct);
        var rows = await db.Projects.OrderBy(p => p.Name)
            .Select(p => new { p.Id, p.Name, p.Mode, Archived = p.ArchivedAt != null, Documents = p.Documents.Count, Members = db.ProjectMembers.Count(m => m.ProjectId == p.Id) })
            .ToListAsync(ct);
        context.Out.WriteLine("ID  MODE   DOCUMENTS  MEMBERS  NAME");
        foreach (var r in rows)
            context.Out.WriteLine($"{r.Id,-3} {r.Mode.ToString().ToLowerInvariant(),-6} {r.Documents,9}  {r.Members,7}  {r.Name}{(r.Archived ? "  (archived)" : "")}");
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

public sealed class ProjectsCreateCommand : Command
{
    public override string Name => "projects create";
    public override string Summary => "Create an empty project (labels from the news template, the empty one, or another project).";
    public override IReadOnlyList<string> Parameters => ["NAME"];
    public override IReadOnlyList<CommandOption> Options =>
    [
        new("--description", "TEXT", "what the project is about"),
        new("--template", "news|empty", "the labels it starts with (default: news, as the demo project)"),
        new("--labels-from", "PROJECT", "copy the labels, their attributes and the document attributes of this project"),
        ProjectCommandSupport.As,
    ];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var template = context.Arguments.Value("--template")?.ToLowerInvariant() switch
        {
            null or "news" => LabelTemplate.News,
            "empty" => LabelTemplate.Empty,
            var other => throw new CommandUsageException($"--template must be news or empty, not '{other}'."),
        };
        var from = context.Arguments.Value("--labels-from");
        if (from is not null && context.Arguments.Has("--template")) throw new CommandUsageException("Give --template or --labels-from, not both.");
        await using var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct);
        var (actor, error) = await ProjectCommandSupport.ActorAsync(context, db, ct);
        if (actor is null) return context.Refuse([error!]);
        int? sourceId = null;
        if (from is not null)
        {
            sourceId = await ProjectCommandSupport.FindProjectAsync(db, from, ct);
            if (sourceId is null) return context.Refuse([ProjectCommandSupport.NoSuchProject(from)]);
        }
        var name = context.Arguments.Positional[0];
        var result = await context.Services.GetRequiredService<ProjectAdminService>()
            .CreateAsync(actor, new NewProject(name, context.Arguments.Value("--description"), template, sourceId), ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"Project '{name.Trim()}' created (id {result.Id}).");
        return ExitCodes.Ok;
    }
}

public sealed class ProjectsRenameCommand : Command
{
    public override string Name => "projects rename";
    public override string Summary => "Rename a project (and, with --description, describe it).";
    public override IReadOnlyList<string> Parameters => ["PROJECT", "NEW-NAME"];
    public override IReadOnlyList<CommandOption> Options => [new("--description", "TEXT", "its new description (\"\" clears it)"), ProjectCommandSupport.As];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var (projectId, actor, error) = await ProjectCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var name = context.Arguments.Positional[1];
        var result = await context.Services.GetRequiredService<ProjectAdminService>()
            .UpdateAsync(projectId, actor!, new ProjectEdit(name, context.Arguments.Value("--description")), ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"'{context.Arguments.Positional[0]}' is now '{name.Trim()}'.");
        return ExitCodes.Ok;
    }
}

public sealed class ProjectsArchiveCommand : Command
{
    public override string Name => "projects archive";
    public override string Summary => "Archive a project (listed apart, out of the queues, read-only for annotators), or --undo.";
    public override IReadOnlyList<string> Parameters => ["PROJECT"];
    public override IReadOnlyList<CommandOption> Options => [new("--undo", null, "make it active again"), ProjectCommandSupport.As];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var (projectId, actor, error) = await ProjectCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var archive = !context.Arguments.Has("--undo");
        var result = await context.Services.GetRequiredService<ProjectAdminService>().UpdateAsync(projectId, actor!, new ProjectEdit(Archived: archive), ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"'{context.Arguments.Positional[0]}' is {(archive ? "archived" : "active again")}.");
        return ExitCodes.Ok;
    }
}

public sealed class ProjectsDeleteCommand : Command
{
    public override string Name => "projects delete";
    public override string Summary => "Delete a project and everything in it; --confirm repeats its name.";
    public override IReadOnlyList<string> Parameters => ["PROJECT"];
    public override IReadOnlyList<CommandOption> Options => [new("--confirm", "NAME", "the project's name again, exactly"), ProjectCommandSupport.As];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var (projectId, actor, error) = await ProjectCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var admin = context.Services.GetRequiredService<ProjectAdminService>();
        var impact = await admin.ProjectImpactAsync(projectId, ct);
        var result = await admin.DeleteAsync(projectId, actor!, context.Arguments.Value("--confirm"), ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"Deleted '{impact!.Name}': {impact.Describe(project: true)}.");
        return ExitCodes.Ok;
    }
}

public sealed class DocumentsRenameCommand : Command
{
    public override string Name => "documents rename";
    public override string Summary => "Change a document's title, and with options its outlet, published date or address.";
    public override IReadOnlyList<string> Parameters => ["DOCUMENT-ID", "TITLE"];
    public override IReadOnlyList<CommandOption> Options =>
    [
        new("--outlet", "NAME", "the outlet (\"\" clears it)"),
        new("--published", "YYYY-MM-DD", "the published date (\"\" clears it)"),
        new("--url", "URL", "the article's address (\"\" clears it)"),
        ProjectCommandSupport.As,
    ];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var (documentId, actor, error) = await DocumentCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var a = context.Arguments;
        var result = await context.Services.GetRequiredService<ProjectAdminService>()
            .UpdateDocumentAsync(documentId, actor!, new DocumentEdit(a.Positional[1], a.Value("--outlet"), a.Value("--published"), a.Value("--url")), ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"Document {documentId} is now '{a.Positional[1].Trim()}'.");
        return ExitCodes.Ok;
    }
}

public sealed class DocumentsDeleteCommand : Command
{
    public override string Name => "documents delete";
    public override string Summary => "Delete a document; one with annotators' spans only with --confirm-spans.";
    public override IReadOnlyList<string> Parameters => ["DOCUMENT-ID"];
    public override IReadOnlyList<CommandOption> Options => [new("--confirm-spans", null, "delete it although annotators have saved spans in it"), ProjectCommandSupport.As];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var (documentId, actor, error) = await DocumentCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var admin = context.Services.GetRequiredService<ProjectAdminService>();
        var impact = await admin.DocumentImpactAsync(documentId, ct);
        var result = await admin.DeleteDocumentAsync(documentId, actor!, context.Arguments.Has("--confirm-spans"), ct);
        if (!result.Succeeded) return context.Refuse([result.Outcome == AdminOutcome.NeedsConfirmation ? result.Error!.Replace("Confirm to delete it anyway.", "Add --confirm-spans to delete it anyway.", StringComparison.Ordinal) : result.Error!]);
        context.Out.WriteLine($"Deleted document {documentId} '{impact!.Name}': {impact.Describe(project: false)}.");
        return ExitCodes.Ok;
    }
}

public static class DocumentCommandSupport
{
    /// <summary>The document named by the first argument (its id) and the admin the command acts as.</summary>
    public static async Task<(int DocumentId, string? ActorId, string? Error)> ResolveAsync(CommandContext context, CancellationToken ct)
    {
        var raw = context.Arguments.Positional[0];
        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var documentId))
            throw new CommandUsageException($"DOCUMENT-ID must be a document's number, not '{raw}'.");
        await using var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct);
        if (!await db.Documents.AnyAsync(d => d.Id == documentId, ct)) return (0, null, $"There is no document {documentId}.");
        var (actor, error) = await ProjectCommandSupport.ActorAsync(context, db, ct);
        return actor is null ? (0, null, error) : (documentId, actor, null);
    }
}
