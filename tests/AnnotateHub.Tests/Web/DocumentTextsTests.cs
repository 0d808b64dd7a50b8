using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Documents;
using AnnotateHub.Web.Features.Labels;

namespace AnnotateHub.Tests.Web;

public sealed class DocumentTextsTests
{
    [Fact]
    public void Views_of_one_document_share_one_text_and_a_changed_text_gets_its_own()
    {
        var texts = new DocumentTexts();
        // Two reads from the database: equal strings, not the same instance.
        var first = texts.Get(3, string.Concat("Rockets hit ", "the base.\nTen injured."));
        var second = texts.Get(3, string.Concat("Rockets hit the base.", "\nTen injured."));

        Assert.Same(first, second);
        Assert.Equal(2, first.Paragraphs.Count);
        Assert.Equal(first.Text.Length, first.Offsets.Length);

        var changed = texts.Get(3, "Rockets hit the base.");
        Assert.NotSame(first, changed);
        Assert.Same(changed, texts.Get(3, "Rockets hit the base."));
        Assert.NotSame(changed, texts.Get(4, "Rockets hit the base."));
    }

    [Fact]
    public void Two_models_on_a_shared_text_show_the_same_paragraphs_as_one_on_its_own()
    {
        const string Text = "Rockets hit the base on Monday.\nAt least ten soldiers were injured.";
        var shared = new DocumentTexts().Get(1, Text);
        var one = new DocumentModel(shared, [], []);
        var two = new DocumentModel(shared, [], []);
        var alone = new DocumentModel(Text, [], []);

        Assert.Same(one.Text, two.Text);
        Assert.Equal(alone.Paragraphs.Select(p => p.Html), one.Paragraphs.Select(p => p.Html));
    }

    [Fact]
    public void Views_that_see_a_paragraph_alike_share_its_model_and_a_view_with_a_selection_builds_its_own()
    {
        const string Text = "Rockets hit the base on Monday.\nAt least ten soldiers were injured.";
        LabelView[] labels = [new(1, 1, "claim", "#1e88e5", null, null, 0)];
        var span = new AnnotationView(7, 1, "ana", "Ana", 0, 7, 1, "claim", null, DateTime.UnixEpoch, DateTime.UnixEpoch, 1);
        var later = span with { Id = 8, Start = 33, End = 40 };
        var shared = new DocumentTexts().Get(1, Text);
        var one = new DocumentModel(shared, [span], labels, "ana");
        var two = new DocumentModel(shared, [span], labels, "ana");
        var other = new DocumentModel(shared, [span], labels, "ben"); // sees Ana's span outlined as another's
        var alone = new DocumentModel(Text, [span], labels, "ana");

        Assert.Same(one.Paragraphs[0], two.Paragraphs[0]);
        Assert.Equal(alone.Paragraphs.Select(p => p.Html), one.Paragraphs.Select(p => p.Html));
        Assert.NotSame(one.Paragraphs[0], other.Paragraphs[0]);
        Assert.Contains("others", other.Paragraphs[0].Html);
        Assert.DoesNotContain("others", one.Paragraphs[0].Html);

        // A live change seen by both: the second view takes the model the first one built.
        one.Upsert(later);
        two.Upsert(later);
        Assert.Same(one.Paragraphs[1], two.Paragraphs[1]);
        Assert.Contains("data-anns=\"8\"", two.Paragraphs[1].Html);

        // A selection is the selecting view's own.
        two.Select(7);
        Assert.NotSame(one.Paragraphs[0], two.Paragraphs[0]);
        Assert.Contains("ann sel", two.Paragraphs[0].Html);
        Assert.DoesNotContain("ann sel", one.Paragraphs[0].Html);
        two.Select(null);
        Assert.Same(one.Paragraphs[0], two.Paragraphs[0]);
    }

    [Fact]
    public void Views_read_apart_hold_one_instance_of_each_span_a_newer_version_replaces_it_and_a_deleted_one_is_forgotten()
    {
        const string Text = "Rockets hit the base on Monday.\nAt least ten soldiers were injured.";
        LabelView[] labels = [new(1, 1, "claim", "#1e88e5", null, null, 0)];
        // Two circuits read the same span from the database: equal values, separate instances (strings too).
        AnnotationView Read() => new(7, 1, new string("ana".ToCharArray()), new string("Ana".ToCharArray()), 0, 7, 1, "claim", null, DateTime.UnixEpoch, DateTime.UnixEpoch, 1);
        var shared = new DocumentTexts().Get(1, Text);
        var one = new DocumentModel(shared, [Read()], labels, "ana");
        var two = new DocumentModel(shared, [Read()], labels, "ana");

        Assert.Same(one.Find(7), two.Find(7));
        Assert.Equal(1, shared.SharedViews);

        // A newer version replaces the shared one; an older one arriving late does not go back.
        var noted = Read() with { Note = "disputed", Version = 2 };
        one.Upsert(noted);
        two.Upsert(noted with { });
        Assert.Same(one.Find(7), two.Find(7));
        Assert.Equal("disputed", two.Find(7)!.Note);
        var third = new DocumentModel(shared, [Read()], labels, "ana"); // a snapshot read before the note
        Assert.Equal(1, third.Find(7)!.Version);
        Assert.Same(noted, new DocumentModel(shared, [noted with { }], labels, "ana").Find(7));

        // A placeholder (a view's own unsaved span) is not shared; a deleted span is forgotten.
        one.Upsert(Read() with { Id = -1, Start = 8, End = 11 });
        Assert.Equal(1, shared.SharedViews);
        one.Remove(7);
        Assert.Equal(0, shared.SharedViews);
        Assert.Null(one.Find(7));
        Assert.NotNull(two.Find(7)); // the other view applies the deletion when it arrives
    }
}
