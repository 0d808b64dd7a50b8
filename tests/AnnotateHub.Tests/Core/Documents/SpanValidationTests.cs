using AnnotateHub.Core.Documents;

namespace AnnotateHub.Tests.Core.Documents;

public sealed class SpanValidationTests
{
    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(0, 10, 10)]
    [InlineData(3, 7, 10)]
    public void A_non_empty_span_inside_the_text_is_valid(int start, int end, int length)
    {
        Assert.Null(SpanValidation.Check(start, end, length));
    }

    [Theory]
    [InlineData(-1, 3, 10, "start -1 is negative.")]
    [InlineData(2, 11, 10, "end 11 is past the end of the text (10 code points).")]
    [InlineData(4, 4, 10, "start 4 must be before end 4.")]
    [InlineData(6, 4, 10, "start 6 must be before end 4.")]
    public void An_invalid_span_is_explained(int start, int end, int length, string expected)
    {
        Assert.Equal(expected, SpanValidation.Check(start, end, length));
    }

    [Fact]
    public void A_note_may_have_4000_characters_but_not_4001()
    {
        Assert.Null(SpanValidation.CheckNote(null));
        Assert.Null(SpanValidation.CheckNote(new string('x', 4000)));
        Assert.Equal("A note is at most 4000 characters.", SpanValidation.CheckNote(new string('x', 4001)));
    }
}
