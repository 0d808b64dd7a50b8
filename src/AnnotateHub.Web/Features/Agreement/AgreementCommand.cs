using AnnotateHub.Core.Agreement;
using AnnotateHub.Core.Formats;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Agreement;

/// <summary>
/// <c>agreement --input FILE.jsonl</c> (no database) or <c>agreement --project NAME</c>: the agreement report as JSON on
/// stdout or in <c>--output FILE</c>. A malformed file is refused with every error by line on stderr (exit 1).
/// </summary>
public sealed class AgreementCommand : Command
{
    public override string Name => "agreement";
    public override string Summary => "Inter-annotator agreement as JSON, from a JSONL interchange file (--input) or a project (--project).";

    public override IReadOnlyList<CommandOption> Options =>
    [
        new("--input", "FILE.jsonl", "read documents from a JSONL interchange file (no database needed)"),
        new("--project", "NAME", "read a project's documents from the database (name or id); done assignments count"),
        new("--output", "FILE", "write the report to FILE instead of stdout"),
        new("--no-documents", null, "leave out the per-document list"),
        new("--no-gamma", null, "skip Mathet's gamma"),
    ];

    public override bool NeedsDatabase(CommandArguments arguments) => !arguments.Has("--input");

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var args = context.Arguments;
        var input = args.Value("--input");
        var project = args.Value("--project");
        if ((input is null) == (project is null)) throw new CommandUsageException("Give either --input FILE.jsonl or --project NAME.");
        var options = AgreementOptions.Default with { PerDocument = !args.Has("--no-documents"), Gamma = !args.Has("--no-gamma") };

        AgreementReport report;
        if (input is not null)
        {
            if (!File.Exists(input)) return context.Refuse([$"There is no file {input}."]);
            await using var stream = File.OpenRead(input);
            var calculator = new AgreementCalculator(options);
            var errors = new List<FormatError>();
            foreach (var line in InterchangeReader.Read(stream))
            {
                ct.ThrowIfCancellationRequested();
                if (line.Document is { } document) calculator.Add(AgreementDocument.FromInterchange(document));
                else errors.AddRange(line.Errors);
            }
            if (errors.Count > 0) return context.Refuse(errors.Select(e => $"{input}: {e}"));
            report = calculator.Build();
        }
        else
        {
            var service = context.Services.GetRequiredService<AgreementService>();
            int? projectId;
            await using (var db = await context.Services.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync(ct))
            {
                projectId = await Projects.ProjectCommandSupport.FindProjectAsync(db, project!, ct);
            }
            if (projectId is null) return context.Refuse([Projects.ProjectCommandSupport.NoSuchProject(project!)]);
            report = await service.ComputeAsync(projectId.Value, options, ct);
        }

        var json = AgreementJson.Serialize(report);
        if (args.Value("--output") is { } output)
        {
            await File.WriteAllTextAsync(output, json + "\n", ct);
            context.Out.WriteLine($"Agreement of {report.Documents} documents written to {output}.");
        }
        else
        {
            context.Out.WriteLine(json);
        }
        return ExitCodes.Ok;
    }
}
