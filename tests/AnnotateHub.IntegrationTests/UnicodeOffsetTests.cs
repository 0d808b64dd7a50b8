using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

/// <summary>Offsets are code points, as Python's text[start:end] counts them, whatever the script.</summary>
public sealed class UnicodeOffsetTests(AppServer server) : IClassFixture<AppServer>, IAsyncLifetime
{
    // Emoji with a skin-tone modifier (2 surrogate pairs), CJK, e + combining acute, Arabic, a flag (2 pairs).
    // 28 code points, 32 UTF-16 code units.
    private const string Text = "Ab \U0001F44D\U0001F3FD \u4e2d\u6587 e\u0301t \u0627\u0644\u0639\u0631\u0628\u064a\u0629 end \U0001F1EE\U0001F1F6!";

    private int _documentId;
    private string _userId = "";
    private int _labelId;

    public async Task InitializeAsync()
    {
        var projectId = await server.CreateProjectAsync("Unicode " + Guid.NewGuid().ToString("N"));
        _documentId = await server.ImportDocumentAsync(projectId, Text);
        _userId = await server.CreateUserAsync("uni-" + Guid.NewGuid().ToString("N")[..8]);
        await server.AddMemberAsync(_userId, projectId);
        _labelId = (await server.Get<LabelService>().ListAsync(projectId))[0].Id;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Imported_text_is_stored_unchanged_with_its_length_in_code_points()
    {
        await using var db = server.CreateDbContext();
        var doc = await db.Documents.SingleAsync(d => d.Id == _documentId);

        Assert.Equal(Text, doc.Text);
        Assert.Equal(28, doc.Length);
        Assert.Equal(32, doc.Text.Length);
    }

    [Theory]
    [InlineData(3, 8, "\U0001F44D\U0001F3FD \u4e2d\u6587")]
    [InlineData(4, 5, "\U0001F3FD")]
    [InlineData(6, 12, "\u4e2d\u6587 e\u0301t")]
    [InlineData(9, 11, "e\u0301")]
    [InlineData(13, 20, "\u0627\u0644\u0639\u0631\u0628\u064a\u0629")]
    [InlineData(25, 27, "\U0001F1EE\U0001F1F6")]
    [InlineData(0, 28, Text)]
    public async Task Span_in_code_points_covers_the_python_slice(int start, int end, string pythonSlice)
    {
        var result = await server.Get<AnnotationService>().CreateAsync(_documentId, _userId, start, end, _labelId, null);

        Assert.Equal(AnnotationOutcome.Ok, result.Outcome);
        var stored = (await server.Get<AnnotationService>().ListAsync(_documentId)).Single(a => a.Id == result.Annotation!.Id);
        Assert.Equal((start, end), (stored.Start, stored.End));
        Assert.Equal(pythonSlice, SliceByCodePoints(Text, stored.Start, stored.End));
    }

    [Fact]
    public async Task Span_ending_past_the_code_point_length_is_invalid_even_though_utf16_is_longer()
    {
        var result = await server.Get<AnnotationService>().CreateAsync(_documentId, _userId, 20, 29, _labelId, null);

        Assert.Equal(AnnotationOutcome.Invalid, result.Outcome);
        Assert.Empty(await server.Get<AnnotationService>().ListAsync(_documentId));
    }

    // Independent of the app's CodePointIndex: count runes.
    private static string SliceByCodePoints(string text, int start, int end) =>
        string.Concat(text.EnumerateRunes().Skip(start).Take(end - start).Select(r => r.ToString()));
}
