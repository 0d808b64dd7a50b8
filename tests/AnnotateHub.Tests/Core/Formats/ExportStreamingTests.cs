using AnnotateHub.Core.Formats;

namespace AnnotateHub.Tests.Core.Formats;

/// <summary>The writers behave on an ASP.NET response: asynchronous writes only, and output flows before the last document is read.</summary>
public sealed class ExportStreamingTests
{
    public static TheoryData<string, string> Formats()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in ExportFormats.Names)
        {
            data.Add(name, name == "conll" ? "gold" : "all");
        }
        data.Add("conll", "majority");
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Writers_only_write_asynchronously_like_kestrel_demands(string format, string layer)
    {
        using var output = new AsyncOnlyStream();
        var options = new ExportOptions { Layer = SpanLayer.Parse(layer).Layer!, SoftLabels = true, Splits = ExportCorpus.Splits };

        await ExportFormats.Find(format)!.WriteAsync(ExportCorpus.Stream(), output, options);

        Assert.True(output.Length > 0);
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("spacy")]
    [InlineData("csv")]
    [InlineData("w3c")]
    [InlineData("brat")]
    [InlineData("parquet")]
    public async Task Output_reaches_the_stream_before_the_last_document_is_read(string format)
    {
        using var output = new AsyncOnlyStream();
        long writtenBeforeLast = -1;
        async IAsyncEnumerable<InterchangeDocument> Many()
        {
            for (var i = 0; i < 400; i++)
            {
                if (i == 399) writtenBeforeLast = output.Length;
                await Task.Yield();
                var d = ExportCorpus.Documents[i % 4];
                yield return d with { Id = $"{d.Id}-{i}", Text = d.Text + new string(' ', 600) + i };
            }
        }

        await ExportFormats.Find(format)!.WriteAsync(Many(), output, new ExportOptions { ParquetRowGroupSize = 50 });

        Assert.InRange(writtenBeforeLast, 1, output.Length - 1);
    }

    [Fact]
    public void The_registry_lists_the_seven_formats_by_name() =>
        Assert.Equal(["jsonl", "spacy", "conll", "brat", "w3c", "csv", "parquet"], ExportFormats.Names);
}
