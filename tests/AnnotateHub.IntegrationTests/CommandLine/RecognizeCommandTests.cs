using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.CommandLine;

/// <summary>The "recognize" command (issue 19) in-process against its own SQLite file: casualty figures and the string
/// matcher become suggestions with their attributes; a second run adds nothing; a bad gazetteer changes nothing.</summary>
[Collection(CommandLineCollection.Name)]
public sealed class RecognizeCommandTests : CommandLineSandbox
{
    private static string Seed(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seeds", name));

    [Fact]
    public async Task Recognize_suggests_casualty_figures_with_what_they_say_once()
    {
        var text = Path.Combine(Folder, "000.txt");
        await File.WriteAllTextAsync(text, Seed("000_592f17154448cee3.txt"));
        Assert.Equal(0, (await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231")).ExitCode);
        var imported = await RunAsync("import", "--project", "Base attacks", "--input", text);
        Assert.True(imported.ExitCode == 0, imported.Error);

        var first = await RunAsync("recognize", "--project", "Base attacks");
        var second = await RunAsync("recognize", "--project", "Base attacks", "--recognizer", "casualty");
        var unknown = await RunAsync("recognize", "--project", "Base attacks", "--recognizer", "ner");

        Assert.Equal(0, first.ExitCode);
        Assert.Matches(@"^""Base attacks"": casualty recognizer: 1 document read, [1-9]\d* suggestions? added \(casualty figure \d+\), 0 already suggested, 0 already marked\.\n$", first.Out);
        Assert.Contains(", 0 suggestions added, ", second.Out, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Unknown recognizer \"ner\"; the recognizers are casualty and strings.", unknown.Error, StringComparison.Ordinal);
        await using var db = CreateDbContext();
        var document = await db.Documents.SingleAsync();
        var index = new AnnotateHub.Core.Text.CodePointIndex(document.Text);
        var at = document.Text.IndexOf("at least ten US soldiers were injured", StringComparison.Ordinal);
        var figure = await db.Suggestions.SingleAsync(s => s.Start == index.ToCodePoint(at));
        Assert.Equal("casualty recognizer", figure.Source);
        Assert.Equal(new Dictionary<string, string> { ["count"] = "10", ["status"] = "injured", ["who"] = "US soldiers", ["qualifier"] = "at least" },
            AnnotateHub.Core.Labels.AttributeJson.ParseValues(figure.Attributes));
        Assert.Equal("casualty figure", await db.Labels.Where(l => l.Id == figure.LabelId).Select(l => l.Name).SingleAsync());
    }

    [Fact]
    public async Task Import_can_run_a_recognizer_on_what_it_brought_in()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231")).ExitCode);
        var text = Path.Combine(Folder, "001.txt");
        await File.WriteAllTextAsync(text, Seed("001_986270b07cc7a357.txt"));

        var wrong = await RunAsync("import", "--project", "Base attacks", "--input", text, "--recognize", "regex");
        await using (var db = CreateDbContext()) Assert.Equal(0, await db.Documents.CountAsync());
        var imported = await RunAsync("import", "--project", "Base attacks", "--input", text, "--recognize", "casualty");

        Assert.Equal(2, wrong.ExitCode);
        Assert.Equal(0, imported.ExitCode);
        Assert.Contains("casualty recognizer: 1 document read, 5 suggestions added (casualty figure 5)", imported.Out, StringComparison.Ordinal);
        await using var after = CreateDbContext();
        Assert.Contains(await after.Suggestions.Select(s => s.Attributes).ToListAsync(), a => a != null && a.Contains("\"count\":\"39600\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gazetteer_is_read_whole_or_refused_with_its_line_numbers()
    {
        var text = Path.Combine(Folder, "002.txt");
        await File.WriteAllTextAsync(text, Seed("002_482e3a734ff3ff15.txt"));
        Assert.Equal(0, (await RunAsync("users", "add", "root", "--role", "admin", "--password", "Root-pw-88231")).ExitCode);
        var imported = await RunAsync("import", "--project", "Base attacks", "--input", text);
        Assert.True(imported.ExitCode == 0, imported.Error);
        var bad = Path.Combine(Folder, "bad.tsv");
        await File.WriteAllTextAsync(bad, "Ain al-Assad\tactor\nMarotto\tperson\n");
        var good = Path.Combine(Folder, "good.tsv");
        await File.WriteAllTextAsync(good, "# places and people\nAin al-Assad\tactor\nWayne Marotto\tactor\n");

        var refused = await RunAsync("recognize", "--project", "Base attacks", "--gazetteer", bad);
        await using (var db = CreateDbContext()) Assert.Equal(0, await db.Suggestions.CountAsync());
        var done = await RunAsync("recognize", "--project", "Base attacks", "--gazetteer", good);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("line 2: \"person\" is not a label of this project (claim, actor, casualty figure).", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was suggested", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, done.ExitCode);
        Assert.Contains("string matcher: 1 document read, 2 suggestions added (actor 2)", done.Out, StringComparison.Ordinal);
        await using var after = CreateDbContext();
        Assert.All(await after.Suggestions.ToListAsync(), s => Assert.Equal("string matcher", s.Source));
    }
}
