using AnnotateHub.Core.Text;

namespace AnnotateHub.Tests.Core.Text;

public sealed class TokenizerTests
{
    private static string[] Texts(string text) =>
        Tokenizer.Tokenize(text).Select(t => string.Concat(text.EnumerateRunes().Skip(t.Start).Take(t.End - t.Start))).ToArray();

    [Fact]
    public void Words_are_runs_of_word_characters_and_every_other_symbol_is_a_token_of_its_own() =>
        Assert.Equal(["U", ".", "S", ".", "troops", ",", "11", "injured", "—", "al", "-", "Asad", "'", "s"], Texts("U.S. troops, 11 injured — al-Asad's"));

    [Fact]
    public void Offsets_are_code_points_so_an_emoji_outside_the_bmp_is_one_token()
    {
        var text = "hit 👍 ok";
        Assert.Equal([new Token(0, 3), new Token(4, 5), new Token(6, 8)], Tokenizer.Tokenize(text));
    }

    [Fact]
    public void Combining_marks_cjk_and_arabic_stay_inside_their_words() =>
        Assert.Equal(["cafe\u0301", "東京", "。", "قاعدة", "عين", "الأسد"], Texts("cafe\u0301 東京。 قاعدة عين الأسد"));

    [Fact]
    public void Whitespace_only_text_has_no_tokens() => Assert.Empty(Tokenizer.Tokenize(" \n\t "));
}
