using AnnotateHub.Web.Features.Documents;

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
}
