using AnnotateHub.Core.Curation;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.Web.Features.Curation;

// The "curation ..." commands: what the project's Curation tab does, from a shell, through CurationService. The command
// line is the server's operator, so it acts as an admin (the first by user name, or --as NAME).

public sealed class CurationMergeCommand : Command
{
    public override string Name => "curation merge";
    public override string Summary => "Propose gold for every ready document of a project by a merge rule (decisions are kept).";
    public override IReadOnlyList<string> Parameters => ["PROJECT"];
    public override IReadOnlyList<CommandOption> Options =>
        [new("--rule", "all-agree|all-who-annotated|vote:K:T", "the merge rule (default: all-agree)"), ProjectCommandSupport.As];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var (rule, ruleError) = MergeRule.Parse(context.Arguments.Value("--rule") ?? "all-agree");
        if (rule is null) throw new CommandUsageException(ruleError!);
        var (projectId, actor, error) = await ProjectCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var result = await context.Services.GetRequiredService<CurationService>().MergeProjectAsync(projectId, actor!, rule, ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"Merged ({rule.Describe()}): {result.Count} gold span{(result.Count == 1 ? "" : "s")} proposed.");
        return ExitCodes.Ok;
    }
}

public sealed class CurationFinishAgreedCommand : Command
{
    public override string Name => "curation finish-agreed";
    public override string Summary => "Finish every ready document on which all annotators agree everywhere (their spans become gold).";
    public override IReadOnlyList<string> Parameters => ["PROJECT"];
    public override IReadOnlyList<CommandOption> Options => [ProjectCommandSupport.As];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var (projectId, actor, error) = await ProjectCommandSupport.ResolveAsync(context, ct);
        if (error is not null) return context.Refuse([error]);
        var result = await context.Services.GetRequiredService<CurationService>().FinishAgreedAsync(projectId, actor!, ct);
        if (!result.Succeeded) return context.Refuse([result.Error!]);
        context.Out.WriteLine($"{result.Count} document{(result.Count == 1 ? "" : "s")} curated.");
        return ExitCodes.Ok;
    }
}
