using AnnotateHub.Core.Recognizers;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Suggestions;

/// <summary><c>recognize --project NAME [--recognizer casualty|strings] [--gazetteer FILE]</c>: runs a recognizer over a
/// project and saves what it finds as suggestions, as the document view's "Suggest spans" does for one document.</summary>
public sealed class RecognizeCommand : Command
{
    public override string Name => "recognize";
    public override string Summary => "Suggest spans in a project's documents: casualty figures with their count, status, who and qualifier, or every occurrence of what the project already tagged.";

    public override IReadOnlyList<CommandOption> Options =>
    [
        new("--project", "NAME", "the project (name or id)"),
        new("--recognizer", "casualty|strings", "casualty (default): casualty figures; strings: the phrases the project's spans tag, and the gazetteer's"),
        new("--gazetteer", "FILE", "a file of phrase TAB label lines for the string matcher (implies --recognizer strings)"),
    ];

    /// <summary>The recognizer a command line names (casualty or strings); anything else is a usage error.</summary>
    public static RecognizerKind ParseKind(string name) => name.Trim().ToLowerInvariant() switch
    {
        "casualty" or "casualties" => RecognizerKind.Casualty,
        "strings" or "string" => RecognizerKind.Strings,
        var other => throw new CommandUsageException($"Unknown recognizer \"{other}\"; the recognizers are casualty and strings."),
    };

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var projectName = context.Arguments.Value("--project") ?? throw new CommandUsageException("--project NAME is required.");
        var gazetteer = context.PathOption("--gazetteer");
        var kind = ParseKind(context.Arguments.Value("--recognizer") ?? (gazetteer is null ? "casualty" : "strings"));
        if (gazetteer is not null && kind != RecognizerKind.Strings)
            throw new CommandUsageException("--gazetteer is read by the string matcher: use --recognizer strings with it.");

        int? projectId;
        await using (var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct))
        {
            projectId = await ProjectCommandSupport.FindProjectAsync(db, projectName, ct);
        }
        if (projectId is null) return context.Refuse([ProjectCommandSupport.NoSuchProject(projectName)]);

        IReadOnlyList<StringEntry>? entries = null;
        if (gazetteer is { } full)
        {
            if (!File.Exists(full)) return context.Refuse([$"There is no gazetteer file {full}."]);
            var labels = (await context.Services.GetRequiredService<LabelService>().ListAsync(projectId.Value, ct)).Select(l => l.Name).ToList();
            (entries, var errors) = StringMatcher.ReadGazetteer(await File.ReadAllTextAsync(full, ct), labels);
            if (errors.Count > 0) return context.Refuse(errors.Select(e => $"{full}: {e}").Append("Nothing was suggested; fix the gazetteer and run it again."));
            context.Out.WriteLine($"Read {entries.Count:N0} entries from {full}.");
        }

        var (report, error) = await context.Services.GetRequiredService<RecognizerService>().RunAsync(projectId.Value, kind, entries, ct: ct);
        if (report is null) return context.Refuse([error!]);
        context.Out.WriteLine($"\"{projectName}\": {report.Describe()}");
        return ExitCodes.Ok;
    }
}
