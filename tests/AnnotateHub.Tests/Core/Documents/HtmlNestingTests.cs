using AnnotateHub.Core.Documents;

namespace AnnotateHub.Tests.Core.Documents;

public sealed class HtmlNestingTests
{
    private static string Nested(int depth, string tag = "div") =>
        string.Concat(Enumerable.Repeat($"<{tag}>", depth)) + "text" + string.Concat(Enumerable.Repeat($"</{tag}>", depth));

    [Fact]
    public void A_page_one_level_deeper_than_the_limit_is_found_on_its_line()
    {
        Assert.Null(HtmlNesting.FindTooDeep("<html><body>\n" + Nested(HtmlNesting.MaxDepth)));
        Assert.Equal(3, HtmlNesting.FindTooDeep("<html>\n<body>\n" + Nested(HtmlNesting.MaxDepth + 1)));
    }

    [Fact]
    public void Closed_siblings_do_not_add_up()
    {
        var page = string.Concat(Enumerable.Repeat("<div><span>a</span></div>\n", 10_000));
        Assert.Null(HtmlNesting.FindTooDeep(page));
    }

    [Fact]
    public void Unclosed_paragraphs_list_items_void_and_self_closing_elements_are_not_nesting()
    {
        var page = string.Concat(Enumerable.Repeat("<p>para<br><img src=x><li>item<hr/><span/>\n", 5_000));
        Assert.Null(HtmlNesting.FindTooDeep(page));
    }

    [Fact]
    public void Tags_inside_comments_and_scripts_are_not_counted()
    {
        var hidden = string.Concat(Enumerable.Repeat("<div>", 2_000));
        Assert.Null(HtmlNesting.FindTooDeep($"<body><!-- {hidden} --><script>var s = '{hidden}';</script><p>ok</p></body>"));
    }

    [Fact]
    public void A_150000_level_page_is_found_without_parsing_it()
    {
        Assert.Equal(1, HtmlNesting.FindTooDeep(Nested(150_000)));
    }

    [Theory]
    [InlineData("<div></i>")]
    [InlineData("<span><div></span>")]
    [InlineData("<b><div></b>")]
    [InlineData("<div><table></div>")]
    public void End_tags_the_parser_ignores_do_not_hide_the_depth(string unit)
    {
        // Each unit leaves the parser one level (or more) deeper, whatever its end tag says.
        Assert.NotNull(HtmlNesting.FindTooDeep(string.Concat(Enumerable.Repeat(unit, 100_000))));
    }

    [Fact]
    public void An_end_tag_closes_what_is_open_inside_its_element()
    {
        var sloppy = string.Concat(Enumerable.Repeat("<div><span><em>unclosed</div>\n", 10_000));
        Assert.Null(HtmlNesting.FindTooDeep(sloppy));
    }
}
