using System.Globalization;
using System.Net;
using System.Text;
using AnnotateHub.Core.Agreement;

namespace AnnotateHub.Web.Features.Agreement;

/// <summary>
/// The colour of an agreement figure on a diverging scale: red at 0 (chance) and below, white at 0.5, blue at 1.
/// Centred at 0.5 rather than 0 because real kappas sit between 0 and 1: a scale centred at chance paints them all
/// blue and hides the weak pair. The page's heat map, its legend and the SVG export use the same scale.
/// </summary>
public static class AgreementScale
{
    private static readonly (double R, double G, double B) Low = (0xb2, 0x18, 0x2b), Mid = (0xf7, 0xf7, 0xf7), High = (0x21, 0x66, 0xac);

    public const string Undefined = "#e0e0e0";

    public static string Color(double? value)
    {
        if (value is not { } v || double.IsNaN(v)) return Undefined;
        var t = Math.Clamp(v, 0, 1);
        var (from, to, f) = t < 0.5 ? (Low, Mid, t / 0.5) : (Mid, High, (t - 0.5) / 0.5);
        static int Mix(double a, double b, double f) => (int)Math.Round(a + (b - a) * f);
        return $"#{Mix(from.R, to.R, f):x2}{Mix(from.G, to.G, f):x2}{Mix(from.B, to.B, f):x2}";
    }

    /// <summary>White text on the dark ends of the scale, near-black on the pale middle.</summary>
    public static string TextColor(double? value) => value is { } v && Math.Abs(Math.Clamp(v, 0, 1) - 0.5) > 0.3 ? "#ffffff" : "#212121";

    /// <summary>A figure as the dashboard prints it: two decimals, a real minus sign, "—" when undefined.</summary>
    public static string Format(double? value) =>
        value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture).Replace('-', '\u2212') : "—";
}

/// <summary>
/// The agreement report as a standalone SVG image for a paper: the pairwise Cohen's kappa heat map and the per-label
/// alphas as horizontal bars, with a legend. No scripts, no external fonts or links.
/// </summary>
public static class AgreementSvg
{
    public const string ContentType = "image/svg+xml";

    private const int Cell = 56, Pad = 24, NameWidth = 150, BarWidth = 260, RowHeight = 30;

    public static string Write(AgreementReport report, string projectName)
    {
        var names = NamesOf(report);
        var labels = report.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
        var heatTop = 86;
        // Column names are written at 45 degrees so long names fit above narrow cells.
        var header = 24 + (int)(Math.Min(20, names.DefaultIfEmpty("").Max(n => n.Length)) * 7 * 0.71);
        var heatWidth = NameWidth + Math.Max(1, names.Count) * Cell + header;
        var barsWidth = NameWidth + BarWidth + 60;
        var width = Pad * 2 + Math.Max(Math.Max(heatWidth, barsWidth), 640);
        var heatHeight = header + Math.Max(1, names.Count) * Cell;
        var legendTop = heatTop + heatHeight + 12;
        var barsTop = legendTop + 56;
        var height = barsTop + 40 + Math.Max(1, labels.Count) * RowHeight * 2 + 30;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="13">""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<title>Inter-annotator agreement: {X(projectName)}</title>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="#ffffff"/>""").Append('\n');
        Text(svg, Pad, 30, $"Inter-annotator agreement: {projectName}", "font-size=\"17\" font-weight=\"bold\"");
        Text(svg, Pad, 52, $"{report.Documents} documents ({report.DocumentsWithTwoAnnotators} with two or more annotators), {report.Tokens} tokens · " +
            $"Krippendorff α {AgreementScale.Format(report.KrippendorffAlpha.NominalTokens)} (tokens), α-u {AgreementScale.Format(report.KrippendorffAlpha.Unitizing)}", "fill=\"#424242\"");

        // Heat map: annotator × annotator, Cohen's kappa over the tokens of the documents both marked done.
        Text(svg, Pad, heatTop, "Cohen's κ per pair of annotators", "font-weight=\"bold\"");
        var gridLeft = Pad + NameWidth;
        var gridTop = heatTop + header;
        for (var j = 0; j < names.Count; j++)
        {
            var (cx, cy) = (gridLeft + j * Cell + Cell / 2 - 4, gridTop - 8);
            Text(svg, cx, cy, Short(names[j], 20), $"transform=\"rotate(-45 {cx} {cy})\"");
        }
        for (var i = 0; i < names.Count; i++)
        {
            Text(svg, gridLeft - 8, gridTop + i * Cell + Cell / 2 + 5, Short(names[i], 20), "text-anchor=\"end\"");
            for (var j = 0; j < names.Count; j++)
            {
                var x = gridLeft + j * Cell;
                var y = gridTop + i * Cell;
                if (i == j)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x}" y="{y}" width="{Cell - 2}" height="{Cell - 2}" fill="#fafafa" stroke="#e0e0e0"/>""").Append('\n');
                    continue;
                }
                var pair = PairOf(report, names[i], names[j]);
                var kappa = pair?.CohenKappa;
                svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x}" y="{y}" width="{Cell - 2}" height="{Cell - 2}" fill="{AgreementScale.Color(kappa)}"><title>{X(names[i])} × {X(names[j])}: κ {AgreementScale.Format(kappa)}</title></rect>""").Append('\n');
                Text(svg, x + (Cell - 2) / 2, y + (Cell - 2) / 2 + 5, pair is null ? "" : AgreementScale.Format(kappa),
                    $"text-anchor=\"middle\" fill=\"{AgreementScale.TextColor(kappa)}\"");
            }
        }
        if (names.Count < 2) Text(svg, gridLeft, gridTop + 20, "No pair of annotators marked the same document done.", "fill=\"#616161\"");

        // Legend of the scale.
        svg.Append(CultureInfo.InvariantCulture, $"""<defs><linearGradient id="scale"><stop offset="0" stop-color="{AgreementScale.Color(0)}"/><stop offset="0.5" stop-color="{AgreementScale.Color(0.5)}"/><stop offset="1" stop-color="{AgreementScale.Color(1)}"/></linearGradient></defs>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{gridLeft}" y="{legendTop}" width="200" height="12" fill="url(#scale)" stroke="#bdbdbd"/>""").Append('\n');
        Text(svg, gridLeft - 8, legendTop + 10, "Cohen's κ", "text-anchor=\"end\" font-size=\"11\"");
        Text(svg, gridLeft, legendTop + 28, "≤ 0", "text-anchor=\"start\" font-size=\"11\"");
        Text(svg, gridLeft + 100, legendTop + 28, "0.5", "text-anchor=\"middle\" font-size=\"11\"");
        Text(svg, gridLeft + 200, legendTop + 28, "1", "text-anchor=\"end\" font-size=\"11\"");

        // Per-label bars: token alpha of the label against the rest, and its unitizing alpha.
        Text(svg, Pad, barsTop, "Per label: Krippendorff's α over tokens (dark) and unitizing α-u (light)", "font-weight=\"bold\"");
        var barLeft = Pad + NameWidth;
        var y0 = barsTop + 20;
        svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{barLeft}" y1="{y0 - 4}" x2="{barLeft}" y2="{y0 + labels.Count * RowHeight * 2}" stroke="#9e9e9e"/>""").Append('\n');
        for (var k = 0; k < labels.Count; k++)
        {
            var (name, l) = (labels[k].Key, labels[k].Value);
            var y = y0 + k * RowHeight * 2;
            Text(svg, barLeft - 8, y + 17, Short(name, 18), "text-anchor=\"end\"");
            Bar(svg, barLeft, y + 4, 16, l.NominalTokensAlpha, "#37474f", $"{name}: token α");
            Bar(svg, barLeft, y + 24, 10, l.UnitizingAlpha, "#90a4ae", $"{name}: α-u");
        }
        if (labels.Count == 0) Text(svg, barLeft + 8, y0 + 16, "No spans yet.", "fill=\"#616161\"");
        var axisY = y0 + Math.Max(1, labels.Count) * RowHeight * 2 + 14;
        foreach (var tick in new[] { 0.0, 0.5, 1.0 })
            Text(svg, barLeft + (int)(tick * BarWidth), axisY, tick.ToString("0.0", CultureInfo.InvariantCulture), "text-anchor=\"middle\" font-size=\"11\" fill=\"#616161\"");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Every annotator with a pair, in name order (as the report lists pairs).</summary>
    public static IReadOnlyList<string> NamesOf(AgreementReport report) =>
        report.Pairs.SelectMany(p => new[] { p.A, p.B }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public static PairAgreement? PairOf(AgreementReport report, string x, string y) =>
        report.Pairs.FirstOrDefault(p => (p.A == x && p.B == y) || (p.A == y && p.B == x));

    // A bar from 0 to the value (at most 1); a value below 0 shows as a red tick at 0 with its number.
    private static void Bar(StringBuilder svg, int left, int y, int height, double? value, string fill, string title)
    {
        var v = value ?? 0;
        var length = (int)Math.Round(Math.Clamp(v, 0, 1) * BarWidth);
        if (value is null)
        {
            Text(svg, left + 6, y + height - 2, "— (undefined)", "font-size=\"11\" fill=\"#757575\"");
            return;
        }
        svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{left}" y="{y}" width="{Math.Max(length, 2)}" height="{height}" fill="{(v < 0 ? "#b2182b" : fill)}"><title>{X(title)} {AgreementScale.Format(value)}</title></rect>""").Append('\n');
        Text(svg, left + Math.Max(length, 2) + 6, y + height - 2, AgreementScale.Format(value), "font-size=\"11\"");
    }

    private static void Text(StringBuilder svg, int x, int y, string text, string attributes = "") =>
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x}" y="{y}" {attributes}>{X(text)}</text>""").Append('\n');

    private static string Short(string name, int max) => name.Length <= max ? name : name[..(max - 1)] + "…";

    private static string X(string text) => WebUtility.HtmlEncode(text);
}
