namespace AnnotateHub.Core.Documents;

/// <summary>
/// A linear pre-scan of an HTML page's element nesting, run before the page is parsed. HTML parsers check scope by
/// walking the stack of open elements, so a page nested 150,000 levels deep costs time in the square of its depth;
/// a page deeper than <see cref="MaxDepth"/> is refused up front instead. Chromium's parser caps its tree at the
/// same 512 levels; no article comes close.
/// </summary>
public static class HtmlNesting
{
    /// <summary>The deepest nesting of elements an article may have.</summary>
    public const int MaxDepth = 512;

    // Elements with no end tag, or whose end tag is optional (a page of unclosed <p> or <li> is not deep).
    private static readonly HashSet<string> NotNesting = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rt", "rp",
        "colgroup", "caption", "html", "head", "body", "!doctype",
    };

    // Elements whose content is raw text: a '<' inside them opens no element.
    private static readonly string[] RawText = ["script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed", "noframes", "plaintext"];

    /// <summary>
    /// The line on which the nesting first goes deeper than <paramref name="maxDepth"/>, or null when it never does.
    /// Counts start tags against end tags of the same page; comments and raw-text elements are skipped.
    /// </summary>
    public static int? FindTooDeep(string html, int maxDepth = MaxDepth)
    {
        ArgumentNullException.ThrowIfNull(html);
        // The open elements by name: an end tag closes only an element that is open (down to it), as the parser does,
        // so a page of "<div></i>" pairs, whose stray end tags the parser ignores, still counts as deep.
        var open = new List<string>();
        var line = 1;
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '\n') { line++; i++; continue; }
            if (c != '<') { i++; continue; }
            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var endComment = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                var stop = endComment < 0 ? html.Length : endComment + 3;
                line += CountNewlines(html, i, stop);
                i = stop;
                continue;
            }
            var closing = i + 1 < html.Length && html[i + 1] == '/';
            var nameStart = closing ? i + 2 : i + 1;
            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or '!' or ':')) nameEnd++;
            if (nameEnd == nameStart) { i++; continue; }
            var tagEnd = html.IndexOf('>', nameEnd);
            if (tagEnd < 0) break;
            line += CountNewlines(html, i, tagEnd);
            var name = html.AsSpan(nameStart, nameEnd - nameStart).ToString();
            var selfClosing = html[tagEnd - 1] == '/';
            i = tagEnd + 1;
            if (NotNesting.Contains(name) || selfClosing) continue;
            if (closing)
            {
                Close(open, name);
                continue;
            }
            if (Array.Exists(RawText, r => r.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                var endRaw = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                var stop = endRaw < 0 ? html.Length : endRaw;
                line += CountNewlines(html, i, stop);
                i = stop;
                open.Add(name);
                if (open.Count > maxDepth) return line;
                continue;
            }
            open.Add(name);
            if (open.Count > maxDepth) return line;
        }
        return null;
    }

    // The HTML standard's "special" elements that can be open here: an end tag of another element does not close them.
    private static readonly HashSet<string> Special = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "applet", "article", "aside", "blockquote", "button", "center", "details", "dir", "div", "dl", "fieldset",
        "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "iframe",
        "listing", "main", "marquee", "menu", "nav", "noembed", "noframes", "noscript", "object", "ol", "plaintext", "pre",
        "script", "search", "section", "select", "style", "summary", "table", "template", "textarea", "title", "ul", "xmp",
    };

    // The elements that end the scope a special element's end tag looks in.
    private static readonly HashSet<string> ScopeBoundary = new(StringComparer.OrdinalIgnoreCase)
    {
        "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
    };

    /// <summary>
    /// An end tag closes its element and what is open inside it only when the parser would: a special element's end tag
    /// stops at a scope boundary, any other end tag at a special element (the parser ignores it, or, for a formatting
    /// element such as &lt;b&gt;, moves it while the special element stays open). When unsure, leave it open: counting
    /// too deep refuses a page, counting too shallow lets the parser's quadratic work through.
    /// </summary>
    private static void Close(List<string> open, string name)
    {
        var at = open.FindLastIndex(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (at < 0) return;
        var stops = Special.Contains(name) ? ScopeBoundary : Special;
        for (var k = at + 1; k < open.Count; k++)
        {
            if (stops.Contains(open[k])) return;
        }
        open.RemoveRange(at, open.Count - at);
    }

    private static int CountNewlines(string text, int from, int to)
    {
        var n = 0;
        for (var k = from; k < to; k++) if (text[k] == '\n') n++;
        return n;
    }
}
