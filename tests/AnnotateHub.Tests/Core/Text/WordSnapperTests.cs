using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Text;
using AnnotateHub.Tests.Support;

namespace AnnotateHub.Tests.Core.Text;

public sealed class WordSnapperTests
{
    private const string Sentence = "The rockets landed near the base.";

    private static string Snapped(string text, int start, int end)
    {
        var range = WordSnapper.Snap(text, start, end);
        Assert.NotNull(range);
        return text[range.Value.Start..range.Value.End];
    }

    private static (int Start, int End) Select(string text, string part)
    {
        var start = text.IndexOf(part, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{part}' is not in the text");
        return (start, start + part.Length);
    }

    [Fact]
    public void A_selection_starting_and_ending_inside_words_extends_to_both_word_edges()
    {
        var (start, end) = Select(Sentence, "ockets lan");

        Assert.Equal((4, 18), WordSnapper.Snap(Sentence, start, end));
        Assert.Equal("rockets landed", Snapped(Sentence, start, end));
    }

    [Fact]
    public void A_selection_on_word_edges_is_kept_as_it_is()
    {
        var (start, end) = Select(Sentence, "rockets");

        Assert.Equal((start, end), WordSnapper.Snap(Sentence, start, end));
    }

    [Fact]
    public void Surrounding_white_space_is_trimmed()
    {
        var (start, end) = Select(Sentence, " rockets landed ");

        Assert.Equal("rockets landed", Snapped(Sentence, start, end));
    }

    [Fact]
    public void White_space_after_a_partly_selected_word_is_trimmed_before_snapping()
    {
        // "ets " ends on a space: the space goes, the word start is completed.
        var (start, end) = Select(Sentence, "ets ");

        Assert.Equal("rockets", Snapped(Sentence, start, end));
    }

    [Theory]
    [InlineData(3, 4)]   // one space
    [InlineData(5, 5)]   // empty
    public void A_selection_of_nothing_but_white_space_gives_null(int start, int end)
    {
        Assert.Null(WordSnapper.Snap(Sentence, start, end));
    }

    [Fact]
    public void Tabs_newlines_and_no_break_spaces_count_as_white_space()
    {
        Assert.Null(WordSnapper.Snap("a \t\n\u00a0 b", 1, 6));
    }

    [Fact]
    public void Reversed_arguments_snap_like_the_forward_selection()
    {
        var (start, end) = Select(Sentence, "ockets lan");

        Assert.Equal(WordSnapper.Snap(Sentence, start, end), WordSnapper.Snap(Sentence, end, start));
    }

    [Fact]
    public void Offsets_past_the_text_are_clamped()
    {
        Assert.Equal((28, 33), WordSnapper.Snap(Sentence, 29, 500));
        Assert.Equal((0, 3), WordSnapper.Snap(Sentence, -7, 2));
    }

    [Theory]
    [InlineData("Iraq’s forces", "Ira", "Iraq’s")]
    [InlineData("Iraq’s forces", "s forces", "Iraq’s forces")]
    [InlineData("Iraq's forces", "q's", "Iraq's")]
    [InlineData("they don't know", "on", "don't")]
    public void An_apostrophe_between_letters_belongs_to_the_word(string text, string part, string expected)
    {
        var (start, end) = Select(text, part);

        Assert.Equal(expected, Snapped(text, start, end));
    }

    [Fact]
    public void Quotes_around_a_word_are_not_pulled_in()
    {
        const string text = "they said 'no' twice";
        var (start, end) = Select(text, "no");

        Assert.Equal("no", Snapped(text, start, end));
    }

    [Fact]
    public void Punctuation_after_a_word_is_not_pulled_in()
    {
        var (start, end) = Select(Sentence, "bas");

        Assert.Equal("base", Snapped(Sentence, start, end));
    }

    [Theory]
    [InlineData(4, 5)] // from the low surrogate of 👍 to the high surrogate of 🏽
    [InlineData(3, 4)] // only the high surrogate of 👍
    [InlineData(6, 7)] // only the low surrogate of 🏽
    public void A_selection_never_splits_a_surrogate_pair(int start, int end)
    {
        const string text = "go 👍🏽 now"; // 👍 = 3..4, 🏽 = 5..6 in UTF-16

        var range = WordSnapper.Snap(text, start, end);

        Assert.Equal((3, 7), range);
        Assert.Equal("👍🏽", text[range!.Value.Start..range.Value.End]);
    }

    [Fact]
    public void Half_a_flag_snaps_to_the_whole_flag()
    {
        const string text = "flag 🇮🇶 here"; // 🇮 = 5..6, 🇶 = 7..8
        
        Assert.Equal("🇮🇶", Snapped(text, 6, 7));
    }

    [Fact]
    public void An_emoji_between_punctuation_keeps_both_halves()
    {
        const string text = "(👍)";

        Assert.Equal("👍", Snapped(text, 2, 3));
    }

    [Fact]
    public void A_combining_mark_is_never_left_behind_its_base_letter()
    {
        const string text = "cafe\u0301 noir";

        Assert.Equal("cafe\u0301", Snapped(text, 0, 4));
    }

    [Fact]
    public void A_selection_starting_at_a_combining_mark_takes_its_base_letter()
    {
        const string text = "x e\u0301 y";

        Assert.Equal("e\u0301", Snapped(text, 3, 4));
    }

    [Fact]
    public void Arabic_words_snap_to_their_edges()
    {
        const string text = "قاعدة عين الأسد";
        var (start, end) = Select(text, "ين ال");

        Assert.Equal("عين الأسد", Snapped(text, start, end));
    }

    [Fact]
    public void The_readme_example_snaps_to_the_full_phrase_in_seed_000()
    {
        var text = ArticleText.Normalize(RepositoryFiles.ReadSeed("000"));
        var (start, end) = Select(text, "t least ten US soldiers were inj");
        var phraseStart = text.IndexOf("at least ten US soldiers were injured", StringComparison.Ordinal);
        Assert.Equal(phraseStart + 1, start);

        var range = WordSnapper.Snap(text, start, end);

        Assert.Equal((phraseStart, phraseStart + "at least ten US soldiers were injured".Length), range);
    }

    [Fact]
    public void Null_text_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => WordSnapper.Snap(null!, 0, 1));
    }
}
