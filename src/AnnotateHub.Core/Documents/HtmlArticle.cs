using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace AnnotateHub.Core.Documents;

/// <summary>An HTML page reduced to what a reader reads: its title, outlet, date and the article's text.</summary>
public sealed record HtmlArticleText(string Text, string? Title, string? Outlet, DateOnly? Published, string? Url);

/// <summary>
/// Reduces an HTML article to plain text: the article's headings, paragraphs, list items and quotes, one block per
/// paragraph separated by blank lines. Scripts, styles, navigation, headers and footers, forms, share buttons,
/// comment sections, newsletters and ads are dropped. The result is plain text, so nothing of the page's markup
/// (hostile or not) reaches the annotator's browser.
/// </summary>
public static partial class HtmlArticle
{
    // Elements that never hold article text.
    private const string DroppedElements =
        "script, style, noscript, template, iframe, object, embed, svg, canvas, form, button, input, select, textarea, " +
        "nav, header, footer, aside, menu, dialog, figure > figcaption + *, [hidden], [aria-hidden=true], [role=navigation], " +
        "[role=banner], [role=contentinfo], [role=complementary], [role=dialog]";

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "P", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "BLOCKQUOTE", "PRE", "FIGCAPTION", "DT", "DD", "TD", "TH",
    };

    /// <summary>
    /// Parses <paramref name="html"/> (scripts are not run) and extracts the article. Title: og:title, else the page title,
    /// else the first h1; it becomes the first block unless the first block already says it. Outlet: og:site_name. Url: the
    /// canonical link, else og:url. Date: the yyyy-mm-dd start of article:published_time, else of the first time element's
    /// datetime. The text comes from the article element, else main, else the body; blocks are joined by blank lines.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="html"/> is null.</exception>
    public static HtmlArticleText Extract(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var document = new HtmlParser(new HtmlParserOptions { IsScripting = false }).ParseDocument(html);

        var title = Meta(document, "og:title") ?? document.Title?.Trim() ?? document.QuerySelector("h1")?.TextContent.Trim();
        var outlet = Meta(document, "og:site_name");
        var url = document.QuerySelector("link[rel=canonical]")?.GetAttribute("href") ?? Meta(document, "og:url");
        var published = ParseDate(Meta(document, "article:published_time")
            ?? document.QuerySelector("time[datetime]")?.GetAttribute("datetime"));

        foreach (var e in document.QuerySelectorAll(DroppedElements).ToList()) e.Remove();
        foreach (var e in document.All.Where(IsBoilerplate).ToList()) e.Remove();

        var root = (IElement?)document.QuerySelector("article") ?? document.QuerySelector("main") ?? document.QuerySelector("[role=main]") ?? document.Body;
        var paragraphs = new List<string>();
        if (root is not null) Collect(root, paragraphs);
        if (paragraphs.Count == 0 && root is not null)
        {
            var all = Clean(root.TextContent);
            if (all.Length > 0) paragraphs.Add(all);
        }
        // A page whose first block repeats the title: keep one.
        if (title is not null && (paragraphs.Count == 0 || !string.Equals(paragraphs[0], title, StringComparison.Ordinal)))
            paragraphs.Insert(0, Clean(title));
        var text = string.Join("\n\n", paragraphs.Where(p => p.Length > 0));
        return new HtmlArticleText(text, string.IsNullOrWhiteSpace(title) ? null : Clean(title), outlet, published, url);
    }

    /// <summary>True when the bytes look like an HTML page rather than plain text.</summary>
    public static bool LooksLikeHtml(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 2048)).TrimStart();
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    private static void Collect(IElement element, List<string> paragraphs)
    {
        if (Blocks.Contains(element.TagName) && !element.Children.Any(c => Blocks.Contains(c.TagName)))
        {
            var text = Clean(element.TextContent);
            if (text.Length > 0) paragraphs.Add(text);
            return;
        }
        // Text directly inside a container (a <div> used as a paragraph) counts as a paragraph of its own.
        var loose = new StringBuilder();
        foreach (var node in element.ChildNodes)
        {
            if (node is IElement child && (Blocks.Contains(child.TagName) || child.QuerySelector(string.Join(',', Blocks)) is not null || IsContainer(child)))
            {
                Flush(loose, paragraphs);
                Collect(child, paragraphs);
            }
            else
            {
                loose.Append(node.TextContent);
                if (node is IElement { TagName: "BR" }) loose.Append(' ');
            }
        }
        Flush(loose, paragraphs);
    }

    private static bool IsContainer(IElement e) => e.TagName is "DIV" or "SECTION" or "ARTICLE" or "MAIN" or "UL" or "OL" or "TABLE" or "TBODY" or "TR" or "DL";

    private static void Flush(StringBuilder loose, List<string> paragraphs)
    {
        var text = Clean(loose.ToString());
        if (text.Length > 0) paragraphs.Add(text);
        loose.Clear();
    }

    private static bool IsBoilerplate(IElement e)
    {
        // A page's frame ("has-sidebar" on <body>) says nothing about whether the article is boilerplate.
        if (e.TagName is "HTML" or "BODY" or "MAIN" or "ARTICLE") return false;
        var marks = $"{e.ClassName} {e.Id}";
        return marks.Length > 1 && BoilerplatePattern().IsMatch(marks);
    }

    private static string? Meta(IDocument document, string property)
    {
        var value = document.QuerySelector($"meta[property='{property}']")?.GetAttribute("content")
            ?? document.QuerySelector($"meta[name='{property}']")?.GetAttribute("content");
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static DateOnly? ParseDate(string? value) =>
        value is { Length: >= 10 } && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    // Whitespace (including non-breaking spaces) collapses to one space; control characters are dropped.
    private static string Clean(string text) => Whitespace().Replace(Controls().Replace(text, ""), " ").Trim();

    [GeneratedRegex(@"\b(share|sharing|social|comments?|comment-form|respond|newsletter|subscribe|related|recommended|promo|advert|ads?|sponsor|cookie|consent|breadcrumbs?|byline-share|tags|popup|modal|signup|sidebar|paywall)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BoilerplatePattern();

    [GeneratedRegex(@"[\s\u00A0\u2000-\u200B\u202F\u205F\u3000]+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]")]
    private static partial Regex Controls();
}
