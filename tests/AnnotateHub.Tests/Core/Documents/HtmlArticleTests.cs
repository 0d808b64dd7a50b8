using AnnotateHub.Core.Documents;

namespace AnnotateHub.Tests.Core.Documents;

public sealed class HtmlArticleTests
{
    [Fact]
    public void Hostile_markup_leaves_only_plain_text()
    {
        var article = HtmlArticle.Extract("""<p>Hello <script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">world</a><iframe src="evil"></iframe></p>""");
        Assert.Equal("Hello world", article.Text);
        Assert.DoesNotContain("alert", article.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_article_is_preferred_over_the_page_around_it_and_boilerplate_is_dropped()
    {
        var article = HtmlArticle.Extract(
            """
            <html><head><title>Strike | News</title></head><body class="has-sidebar">
            <header>Site header</header><div class="cookie-consent">We use cookies</div>
            <article><h1>Strike on the base</h1><ul class="social-share"><li>Tweet</li></ul>
            <p>First&nbsp;paragraph.</p><blockquote>A quote.</blockquote><div>Loose text in a div.</div>
            <div class="related-articles"><p>Read more</p></div></article>
            <aside>Most read</aside><div id="comments"><p>A comment</p></div></body></html>
            """);
        Assert.Equal("Strike | News\n\nStrike on the base\n\nFirst paragraph.\n\nA quote.\n\nLoose text in a div.", article.Text);
        Assert.Equal("Strike | News", article.Title);
    }

    [Fact]
    public void Title_outlet_date_and_url_come_from_the_page_metadata()
    {
        var article = HtmlArticle.Extract(
            """
            <html><head><meta property="og:title" content="Missiles hit Ain al-Asad"><meta property="og:site_name" content="Press TV">
            <meta property="article:published_time" content="2020-01-08T02:00:00Z"><link rel="canonical" href="https://example.org/a"></head>
            <body><p>Missiles hit Ain al-Asad</p><p>Body.</p></body></html>
            """);
        Assert.Equal(("Missiles hit Ain al-Asad\n\nBody.", "Missiles hit Ain al-Asad", "Press TV", new DateOnly(2020, 1, 8), "https://example.org/a"),
            (article.Text, article.Title, article.Outlet, article.Published, article.Url));
    }
}
