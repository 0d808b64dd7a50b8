using AnnotateHub.Core.Formats;

namespace AnnotateHub.Tests.Core.Formats;

public sealed class ExportRequestTests
{
    [Fact]
    public void Command_line_arguments_give_format_options_and_split()
    {
        var (request, errors) = ExportRequest.ParseArguments(
            "--format conll --scheme bilou --layer majority --split 80/10/10 --seed 7 --group-by outlet --soft-labels".Split(' '));

        Assert.Empty(errors);
        Assert.Equal("conll", request!.Format.Name);
        Assert.Equal(TagScheme.Bilou, request.Options.Scheme);
        Assert.Equal(SpanLayer.Majority, request.Options.Layer);
        Assert.True(request.Options.SoftLabels);
        Assert.Equal(new SplitSpec(0.8, 0.1, 0.1, 7, SplitGrouping.Outlet), request.Split);
    }

    [Fact]
    public void Query_string_values_parse_the_same_way()
    {
        var (request, errors) = ExportRequest.Parse(new Dictionary<string, string?>
        {
            ["format"] = "PARQUET", ["layer"] = "annotator:Alice", ["soft_labels"] = "false", ["rowGroupSize"] = "50",
        });

        Assert.Empty(errors);
        Assert.Equal("parquet", request!.Format.Name);
        Assert.Equal(SpanLayer.OfAnnotator("Alice"), request.Options.Layer);
        Assert.False(request.Options.SoftLabels);
        Assert.Equal(50, request.Options.ParquetRowGroupSize);
        Assert.Null(request.Split);
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once()
    {
        var (request, errors) = ExportRequest.ParseArguments("--format xml --layer best --scheme iob3 --split 80/x --colour red".Split(' '));

        Assert.Null(request);
        Assert.Equal(
        [
            "Unknown option \"colour\"; the options are format, layer, scheme, soft-labels, split, seed, group-by, row-group-size.",
            "Unknown format \"xml\"; the formats are jsonl, spacy, conll, brat, w3c, csv, parquet.",
            "Unknown layer \"best\"; use \"auto\", \"all\", \"gold\", \"majority\", \"suggestions\" or \"annotator:NAME\".",
            "Unknown tag scheme \"iob3\"; use bio (the same as iob2), iob1, bilou or bioes.",
            "The split \"80/x\" must be ratios like 80/10/10 (train/dev/test) or 90/10 (train/test); \"x\" is not a number of 0 or more.",
        ], errors);
    }

    [Fact]
    public void A_format_that_cannot_hold_the_layer_says_so()
    {
        var (_, errors) = ExportRequest.ParseArguments(["--format", "conll", "--layer", "all"]);

        Assert.Contains("auto (gold where a document is curated, else majority), gold, majority or annotator:NAME", Assert.Single(errors));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("conll")]
    [InlineData("csv")]
    public void Without_a_layer_every_format_takes_the_layer_auto(string? format)
    {
        var args = format is null ? [] : new[] { "--format", format };
        var (request, errors) = ExportRequest.ParseArguments(args);

        Assert.Empty(errors);
        Assert.Equal(SpanLayer.Auto, request!.Options.Layer);
        Assert.Equal("auto", request.Options.Layer.ToString());
    }

    [Fact]
    public void The_layer_auto_is_read_in_any_case() =>
        Assert.Equal(SpanLayer.Auto, SpanLayer.Parse(" AUTO ").Layer);

    [Fact]
    public void Seed_without_split_is_an_error() =>
        Assert.Contains("give the split too", Assert.Single(ExportRequest.ParseArguments(["--seed", "3"]).Errors));

    [Fact]
    public void Options_for_documents_plan_the_split()
    {
        var request = ExportRequest.ParseArguments(["--format", "csv", "--split", "50/0/50", "--seed", "1"]).Request!;
        var options = request.OptionsFor(ExportCorpus.Documents.Select(DocumentFacts.Of));

        Assert.Equal(4, options.Splits!.Count);
        Assert.Equal(2, options.Splits.Values.Count(v => v == "train"));
        Assert.Equal(".csv", request.Format.FileExtension(options));
    }
}
