using AnnotateHub.Core.Documents;
using AnnotateHub.Tests.Support;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Documents;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.Tests.Components;

/// <summary>
/// Hosts <see cref="DocumentPage"/> over the app's services (<see cref="AppServicesContext"/>): a project with the default
/// labels, seed 000 and a short document whose emoji make code-point and UTF-16 offsets differ.
/// </summary>
public abstract class DocumentPageContext : AppServicesContext
{
    /// <summary>Three lines (paragraphs) with two surrogate pairs in the first.</summary>
    protected const string EmojiText =
        "Rocket attack 👍🏽 on the base 🇮🇶\n" +
        "Officials said at least ten US soldiers were injured, some of them critically.\n" +
        "Arabic: قاعدة عين الأسد; Chinese: 基地遭到火箭袭击; combining: cafe\u0301 closed.";

    protected int SeedDocumentId { get; private set; }
    protected string SeedText { get; } = ArticleText.Normalize(RepositoryFiles.ReadSeed("000"));
    protected int EmojiDocumentId { get; private set; }
    protected IReadOnlyDictionary<string, int> LabelIds { get; private set; } = new Dictionary<string, int>();

    protected AnnotationService AnnotationService => Services.GetRequiredService<AnnotationService>();

    protected override async Task SeedAsync()
    {
        var seed = NewDocument("Explainer", SeedText);
        var emoji = NewDocument("Emoji report", EmojiText);
        var project = await AddProjectAsync("Ain al-Asad (tests)", seed, emoji);
        SeedDocumentId = seed.Id;
        EmojiDocumentId = emoji.Id;
        LabelIds = project.Labels.ToDictionary(l => l.Name, l => l.Id);
    }

    protected IRenderedComponent<DocumentPage> RenderDocument(int documentId)
    {
        var cut = Render<DocumentPage>(p => p.Add(d => d.DocumentId, documentId));
        cut.WaitForElement("[data-testid=doc-text]");
        return cut;
    }

    /// <summary>The UTF-16 range of <paramref name="part"/> in <paramref name="text"/>, as the browser reports a selection.</summary>
    protected static (int Start, int End) Utf16Range(string text, string part)
    {
        var start = text.IndexOf(part, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{part}' is not in the text");
        return (start, start + part.Length);
    }

    protected static Task Select(IRenderedComponent<DocumentPage> cut, (int Start, int End) range) =>
        cut.InvokeAsync(() => cut.Instance.OnSelection(range.Start, range.End, 10, 10));

    protected async Task<List<Annotation>> AnnotationsInDatabase()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Annotations.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }

    /// <summary>Adds a document to the test project directly.</summary>
    protected async Task<int> StoreDocument(string title, string text, string? url = null, string? outlet = null)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var document = NewDocument(title, text);
        document.ProjectId = await db.Projects.Select(p => p.Id).SingleAsync();
        document.Url = url;
        document.Outlet = outlet;
        db.Documents.Add(document);
        await db.SaveChangesAsync();
        db.Assignments.Add(new Assignment { DocumentId = document.Id, UserId = Bob.Id, ProjectId = document.ProjectId });
        await db.SaveChangesAsync();
        return document.Id;
    }

    /// <summary>Stores a span directly, as if made earlier (or by someone else).</summary>
    protected async Task<Annotation> StoreAnnotation(int documentId, AppUser by, int start, int end, string label)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var annotation = new Annotation
        {
            DocumentId = documentId, AnnotatorId = by.Id, Start = start, End = end, LabelId = LabelIds[label],
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, Version = 1,
        };
        db.Annotations.Add(annotation);
        await db.SaveChangesAsync();
        return annotation;
    }
}
