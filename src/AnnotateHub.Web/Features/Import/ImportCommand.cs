using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Import;

/// <summary><c>import --project NAME --input FILE</c>: the browser's import from a shell, acting as an admin.</summary>
public sealed class ImportCommand : Command
{
    public override string Name => "import";
    public override string Summary => "Import a JSONL, text, HTML or zip file into a project (created when it does not exist), all or nothing.";

    public override IReadOnlyList<CommandOption> Options =>
    [
        new("--project", "NAME", "the project to import into; created with the file's labels when it does not exist"),
        new("--input", "FILE", "a .jsonl (interchange/doccano), .txt, .html or .zip file"),
        new("--suggestions", null, "import the file's spans as suggestions from their named source (pre-annotations) instead of annotations"),
        new("--recognize", "casualty|strings", "then run a recognizer over the project: its findings become suggestions (as the recognize command)"),
        ProjectCommandSupport.As,
    ];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var project = context.Arguments.Value("--project") ?? throw new CommandUsageException("--project NAME is required.");
        var input = context.PathOption("--input") ?? throw new CommandUsageException("--input FILE is required.");
        if (!File.Exists(input)) return context.Refuse([$"There is no file {input}."]);
        var recognize = context.Arguments.Value("--recognize") is { } name
            ? Suggestions.RecognizeCommand.ParseKind(name)
            : (Suggestions.RecognizerKind?)null;

        string? actor, error;
        await using (var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct))
        {
            (actor, error) = await ProjectCommandSupport.ActorAsync(context, db, ct);
        }
        if (actor is null) return context.Refuse([error!]);

        await using var file = File.OpenRead(input);
        var options = new ImportOptions(actor, ProjectName: project,
            Spans: context.Arguments.Has("--suggestions") ? ImportedSpans.Suggestions : ImportedSpans.Annotations);
        var report = await context.Services.GetRequiredService<ImportService>().ImportAsync(file, Path.GetFileName(input), options, null, ct);
        var writer = report.Succeeded ? context.Out : context.Error;
        writer.WriteLine($"Read {input}.");
        foreach (var line in report.Describe()) writer.WriteLine(line);
        if (!report.Succeeded) return ExitCodes.Refused;
        if (recognize is { } kind && report.ProjectId is { } projectId)
        {
            var (recognized, refusal) = await context.Services.GetRequiredService<Suggestions.RecognizerService>().RunAsync(projectId, kind, ct: ct);
            // The import stands; only the suggestions are missing, and the command says why.
            if (recognized is null) return context.Refuse([$"Imported, but no suggestions were made: {refusal}"]);
            context.Out.WriteLine(recognized.Describe());
        }
        return ExitCodes.Ok;
    }
}
