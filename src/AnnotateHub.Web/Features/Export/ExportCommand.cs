using AnnotateHub.Core.Formats;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Export;

/// <summary><c>export --project NAME --format ... --layer ... --output FILE</c>: the REST export, to a file, from a shell.</summary>
public sealed class ExportCommand : Command
{
    public override string Name => "export";
    public override string Summary => "Export a project's documents and spans (jsonl, spacy, conll, brat, w3c, csv, parquet) to a file.";

    public override IReadOnlyList<CommandOption> Options =>
    [
        new("--project", "NAME", "the project to export (name or id)"),
        new("--format", "FORMAT", "jsonl (default), spacy, conll, brat, w3c, csv or parquet"),
        new("--layer", "LAYER", "auto (default: gold where a document is curated, else all; majority for conll), all, gold, majority, suggestions (pending suggestions) or annotator:NAME"),
        new("--output", "FILE", "the file to write (it is replaced only once the export is complete)"),
        new("--scheme", "SCHEME", "CoNLL tags: bio (default, the same as iob2), iob1, bilou or bioes"),
        new("--soft-labels", null, "add how many annotators gave each label to each span or token"),
        new("--split", "RATIOS", "train/dev/test split, e.g. 80/10/10"),
        new("--seed", "N", "the split's seed (default 0)"),
        new("--group-by", "outlet|date", "keep documents of one outlet (or one date) in the same split"),
    ];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var projectName = context.Arguments.Value("--project") ?? throw new CommandUsageException("--project NAME is required.");
        var output = context.PathOption("--output") ?? throw new CommandUsageException("--output FILE is required.");
        var values = new List<KeyValuePair<string, string?>>();
        foreach (var name in new[] { "format", "layer", "scheme", "split", "seed", "group-by" })
            if (context.Arguments.Value("--" + name) is { } value) values.Add(new(name, value));
        if (context.Arguments.Has("--soft-labels")) values.Add(new("soft-labels", "true"));
        var (parsed, errors) = ExportRequest.Parse(values);
        if (parsed is null) return context.Refuse(errors);

        int? projectId;
        await using (var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct))
        {
            projectId = await Projects.ProjectCommandSupport.FindProjectAsync(db, projectName, ct);
        }
        if (projectId is null) return context.Refuse([Projects.ProjectCommandSupport.NoSuchProject(projectName)]);

        var export = context.Services.GetRequiredService<ExportService>();
        var (request, error) = await export.ResolveAsync(projectId.Value, parsed, ct);
        if (request is null) return context.Refuse([error!]);
        var options = await export.OptionsAsync(projectId.Value, request, ct);

        // Written beside the target and moved into place at the end, so a failed export never leaves half a file.
        var full = output;
        var partial = full + ".partial";
        int documents;
        try
        {
            await using (var file = File.Create(partial))
            {
                documents = await export.WriteAsync(projectId.Value, request.Format, options, file, progress: null, ct);
            }
            File.Move(partial, full, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        context.Out.WriteLine($"Exported {documents} documents of \"{projectName}\" as {request.Format.Name} ({options.Layer}) to {full} ({new FileInfo(full).Length:N0} bytes).");
        return ExitCodes.Ok;
    }
}
