using AnnotateHub.Core.Text;
using AnnotateHub.Tests.Support;

namespace AnnotateHub.Tests.Core.Text;

public sealed class CodePointIndexTests
{
    // Skin-tone emoji and a flag (two surrogate pairs each), a combining accent, CJK, Arabic and a math letter outside the BMP.
    private const string Mixed = "Base 👍🏽 hit 🇮🇶: cafe\u0301 基地遭到火箭袭击 قاعدة عين الأسد 𝔘𝔖 end";

    public static TheoryData<string> Texts => new()
    {
        "👍🏽",
        "🇮🇶",
        "e\u0301",
        "基地遭到火箭袭击",
        "قاعدة عين الأسد",
        Mixed,
        "plain ASCII only",
        "",
    };

    [Theory]
    [InlineData("👍🏽", 2, 4)]
    [InlineData("🇮🇶", 2, 4)]
    [InlineData("e\u0301", 2, 2)]
    [InlineData("基地遭到火箭袭击", 8, 8)]
    [InlineData("قاعدة عين الأسد", 15, 15)]
    [InlineData("", 0, 0)]
    public void Length_counts_code_points_as_python_len_does(string text, int codePoints, int utf16)
    {
        var index = new CodePointIndex(text);

        Assert.Equal(codePoints, index.Length);
        Assert.Equal(utf16, index.Utf16Length);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Every_slice_between_converted_offsets_equals_the_python_slice(string text)
    {
        var index = new CodePointIndex(text);
        var runes = PythonText.Runes(text);
        Assert.Equal(runes.Length, index.Length);

        for (var start = 0; start <= runes.Length; start++)
        {
            for (var end = start; end <= runes.Length; end++)
            {
                var expected = PythonText.Slice(text, start, end);
                var actual = text[index.ToUtf16(start)..index.ToUtf16(end)];
                Assert.Equal(expected, actual);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Code_point_offsets_round_trip_through_utf16(string text)
    {
        var index = new CodePointIndex(text);

        for (var cp = 0; cp <= index.Length; cp++)
        {
            Assert.Equal(cp, index.ToCodePoint(index.ToUtf16(cp)));
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Utf16_offsets_on_code_point_boundaries_round_trip_and_agree_with_rune_counting(string text)
    {
        var index = new CodePointIndex(text);

        for (var u = 0; u <= text.Length; u++)
        {
            if (u < text.Length && char.IsLowSurrogate(text[u])) continue; // inside a pair: not a boundary
            var cp = index.ToCodePoint(u);
            Assert.Equal(PythonText.CodePointOffset(text, u), cp);
            Assert.Equal(u, index.ToUtf16(cp));
        }
    }

    [Fact]
    public void Offsets_after_pairs_shift_by_one_per_pair()
    {
        // "🇮🇶 x👍🏽y": two pairs for the flag, then a space and x, then two pairs for the emoji, then y.
        var index = new CodePointIndex("🇮🇶 x👍🏽y");

        Assert.Equal(4, index.ToUtf16(2));   // the space
        Assert.Equal(5, index.ToUtf16(3));   // x
        Assert.Equal(6, index.ToUtf16(4));   // 👍
        Assert.Equal(10, index.ToUtf16(6));  // y
        Assert.Equal(11, index.ToUtf16(7));  // end
        Assert.Equal(6, index.ToCodePoint(10));
        Assert.Equal(7, index.ToCodePoint(11));
    }

    [Fact]
    public void An_offset_inside_a_surrogate_pair_maps_to_the_pairs_code_point()
    {
        var index = new CodePointIndex("a👍b"); // a=0, 👍=1..2 (UTF-16), b=3

        Assert.Equal(1, index.ToCodePoint(1));
        Assert.Equal(1, index.ToCodePoint(2)); // the low surrogate
        Assert.Equal(2, index.ToCodePoint(3));
    }

    [Fact]
    public void A_lone_surrogate_counts_as_one_code_point()
    {
        // Python keeps a lone surrogate as one code point too (len("a\ud83db") == 3).
        var index = new CodePointIndex("a\uD83Db");

        Assert.Equal(3, index.Length);
        Assert.Equal(2, index.ToUtf16(2));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)] // "x👍y" is 4 UTF-16 units
    [InlineData(int.MaxValue)]
    public void ToCodePoint_rejects_offsets_outside_the_text(int utf16Offset)
    {
        var index = new CodePointIndex("x👍y");

        Assert.Throws<ArgumentOutOfRangeException>(() => index.ToCodePoint(utf16Offset));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)] // "x👍y" is 3 code points
    [InlineData(int.MaxValue)]
    public void ToUtf16_rejects_offsets_outside_the_text(int codePointOffset)
    {
        var index = new CodePointIndex("x👍y");

        Assert.Throws<ArgumentOutOfRangeException>(() => index.ToUtf16(codePointOffset));
    }

    [Fact]
    public void Null_text_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new CodePointIndex(null!));
    }
}
