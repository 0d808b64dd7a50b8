using System.Globalization;
using AnnotateHub.Core.Agreement;
using AnnotateHub.Core.Formats;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Agreement;

/// <summary>
/// <c>agreement --input FILE.jsonl</c> (no database) or <c>agreement --project NAME</c>: the agreement report as JSON on
/// stdout or in <c>--output FILE</c>, then (with <c>--output</c>) a text summary on stdout that includes the agreement on
/// what the spans say, one line per (label, attribute). A malformed file is refused with every error by line on stderr (exit 1).
/// From a file, an attribute's metric is inferred: interval when every value is a number, else nominal.
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
        var input = context.PathOption("--input");
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
        if (context.PathOption("--output") is { } output)
        {
            await File.WriteAllTextAsync(output, json + "\n", ct);
            context.Out.WriteLine($"Agreement of {report.Documents} documents{(input is null ? "" : $" in {input}")} written to {output}.");
            foreach (var line in AttributeLines(report)) context.Out.WriteLine(line);
        }
        else
        {
            context.Out.WriteLine(json);
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The text table of the agreement on attribute values: a heading, then label, attribute, metric, units, values and alpha
    /// (<c>-</c> when undefined) in columns; nothing when the report has no attributes.
    /// </summary>
    public static IEnumerable<string> AttributeLines(AgreementReport report)
    {
        if (report.Attributes.Count == 0) yield break;
        string[] header = ["label", "attribute", "metric", "units", "values", "alpha"];
        var rows = report.Attributes.Select(a => new[]
        {
            a.Label, a.Attribute, a.Kind is null ? a.Metric + " (inferred)" : a.Metric,
            a.Units.ToString(CultureInfo.InvariantCulture), a.Values.ToString(CultureInfo.InvariantCulture),
            a.Alpha is { } alpha ? alpha.ToString("0.000", CultureInfo.InvariantCulture) : "-",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i >= 3 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        yield return "What the spans say (Krippendorff's alpha on the values of spans annotators marked alike):";
        yield return Line(header);
        foreach (var r in rows) yield return Line(r);
    }
}
