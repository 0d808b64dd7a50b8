using AngleSharp.Html.Parser;
using AnnotateHub.Web.Features.Documents;

namespace AnnotateHub.Tests.Web;

/// <summary>One run of a paragraph as the browser reads it back from <see cref="ParagraphModel.Html"/>: its offsets, decoded
/// text, the ids over it, its custom properties and classes.</summary>
internal sealed record SegmentModel(int Start, int End, string Text, string? SpanIds, string? Style, bool Selected, bool Pending = false,
    bool Others = false, bool Suggested = false, string? Title = null);

/// <summary>Reads a paragraph's HTML as an HTML parser does, so the tests check what a browser gets (and that it parses).</summary>
internal static class ParagraphSegments
{
    private static readonly HtmlParser Parser = new();

    extension(ParagraphModel paragraph)
    {
        public IReadOnlyList<SegmentModel> Segments
        {
            get
            {
                using var document = Parser.ParseDocument("<p>" + paragraph.Html + "</p>");
                var p = document.Body!.FirstElementChild!;
                Assert.All(p.ChildNodes, n => Assert.Equal("SPAN", (n as AngleSharp.Dom.IElement)?.TagName)); // runs only, no stray text or tags
                return p.Children.Select(span => new SegmentModel(
                    int.Parse(span.GetAttribute("data-s")!, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(span.GetAttribute("data-e")!, System.Globalization.CultureInfo.InvariantCulture),
                    span.TextContent,
                    span.GetAttribute("data-anns"),
                    span.GetAttribute("style"),
                    span.ClassList.Contains("sel"),
                    span.ClassList.Contains("pending"),
                    span.ClassList.Contains("others"),
                    span.ClassList.Contains("sug"),
                    span.GetAttribute("title"))).ToList();
            }
        }
    }
}
