using System.Globalization;
using System.Text;

namespace AnnotateHub.Core.Claims;

/// <summary>A document as the claims board shows it: a column, headed by its outlet and date.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Outlet">Who published it, when known.</param>
/// <param name="Published">When, when known.</param>
public sealed record BoardDocument(int Id, string Title, string? Outlet, DateOnly? Published);

/// <summary>What the board is made of: a span that is a casualty figure (it says a status or a count) or a claim (it says
/// a stance or a source), with its values (canonical strings by attribute name).</summary>
/// <param name="Id">The span's id, for the link to it in its article.</param>
/// <param name="DocumentId">Its document.</param>
/// <param name="Start">Where it starts (code points).</param>
/// <param name="End">Where it ends (code points, exclusive).</param>
/// <param name="Kind">A figure or a claim.</param>
/// <param name="Text">Its words.</param>
/// <param name="Values">What it says.</param>
/// <param name="Annotator">Who marked it.</param>
public sealed record BoardSpan(long Id, int DocumentId, int Start, int End, BoardKind Kind, string Text, IReadOnlyDictionary<string, string> Values, string Annotator);

/// <summary>A casualty figure or a claim.</summary>
public enum BoardKind
{
    /// <summary>A casualty figure: count, status, who, qualifier.</summary>
    Figure,
    /// <summary>A claim: stance and source.</summary>
    Claim,
}

/// <summary>One value in a cell: a span (or several annotators' identical spans) of one document, linked to its article.</summary>
/// <param name="SpanId">The first annotator's span, the one the link opens.</param>
/// <param name="DocumentId">Its document.</param>
/// <param name="Count">The figure's count, when it gives one.</param>
/// <param name="Qualifier">The figure's qualifier (exact, at least, ...), when given.</param>
/// <param name="Stance">The claim's stance, when given.</param>
/// <param name="Text">The span's words.</param>
/// <param name="Annotators">Who marked it, in order.</param>
public sealed record BoardEntry(long SpanId, int DocumentId, decimal? Count, string? Qualifier, string? Stance, string Text, IReadOnlyList<string> Annotators)
{
    /// <summary>The figure as a reader says it: "at least 10", "10"; without a count, its own words ("several casualties").</summary>
    public string Figure => Count is { } n
        ? (Qualifier is null or "exact" ? "" : Qualifier + " ") + n.ToString("#,0.##", CultureInfo.InvariantCulture)
        : Text.Length <= 40 ? Text : Text[..39] + "…";
}

/// <summary>A row of the board: every document's figures for one group of people and one status (or claims by one source).</summary>
/// <param name="Who">Whom the figures count (as first written), or the claims' source; "(not said)" when none says.</param>
/// <param name="Status">The figures' status (killed, injured, ...), or for claims null.</param>
/// <param name="Cells">The entries per document id.</param>
/// <param name="Disagreement">Why the outlets disagree about this group, in words; null when they do not.</param>
public sealed record BoardRow(string Who, string? Status, IReadOnlyDictionary<int, IReadOnlyList<BoardEntry>> Cells, string? Disagreement);

/// <summary>The claims board of a project (issue 19): every casualty figure and claim of every document side by side, a
/// column per document (outlet and date), figures grouped by who and status, claims by source; where outlets disagree
/// about the same group the row says how.</summary>
/// <param name="Columns">The documents with a figure or a claim, by date, then outlet, then title.</param>
/// <param name="Figures">The figure rows, by who, then status.</param>
/// <param name="Claims">The claim rows, by source.</param>
public sealed record ClaimsBoard(IReadOnlyList<BoardDocument> Columns, IReadOnlyList<BoardRow> Figures, IReadOnlyList<BoardRow> Claims)
{
    /// <summary>The group name of a figure or claim that does not say whom it counts or who claims it.</summary>
    public const string NotSaid = "(not said)";

    /// <summary>Builds the board: identical spans of several annotators (same place, same values) are one entry.</summary>
    public static ClaimsBoard Build(IReadOnlyList<BoardDocument> documents, IEnumerable<BoardSpan> spans)
    {
        var byDocument = documents.ToDictionary(d => d.Id);
        var merged = spans.Where(s => byDocument.ContainsKey(s.DocumentId))
            .GroupBy(s => (s.DocumentId, s.Start, s.End, s.Kind, Values: string.Join("\u001f", s.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Key + "=" + v.Value))))
            .Select(g => (Span: g.OrderBy(s => s.Id).First(), Annotators: (IReadOnlyList<string>)g.Select(s => s.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()))
            .ToList();

        var figures = merged.Where(m => m.Span.Kind == BoardKind.Figure)
            .GroupBy(m => (Who: Key(m.Span.Values.GetValueOrDefault("who")), Status: m.Span.Values.GetValueOrDefault("status") ?? "unknown"))
            .Select(g => Row(g.First().Span.Values.GetValueOrDefault("who") is { Length: > 0 } who ? who.Trim() : NotSaid, g.Key.Status, g))
            .ToList();
        figures = figures.Select(r => r with { Disagreement = r.Disagreement ?? Contradiction(r, figures) })
            .OrderBy(r => r.Who == NotSaid).ThenBy(r => r.Who, StringComparer.OrdinalIgnoreCase).ThenBy(r => StatusOrder(r.Status)).ToList();

        var claims = merged.Where(m => m.Span.Kind == BoardKind.Claim)
            .GroupBy(m => Key(m.Span.Values.GetValueOrDefault("source")))
            .Select(g => Row(g.First().Span.Values.GetValueOrDefault("source") is { Length: > 0 } source ? source.Trim() : NotSaid, null, g))
            .OrderBy(r => r.Who == NotSaid).ThenBy(r => r.Who, StringComparer.OrdinalIgnoreCase).ToList();

        var used = merged.Select(m => m.Span.DocumentId).ToHashSet();
        var columns = documents.Where(d => used.Contains(d.Id))
            .OrderBy(d => d.Published is null).ThenBy(d => d.Published).ThenBy(d => d.Outlet ?? "", StringComparer.OrdinalIgnoreCase).ThenBy(d => d.Title, StringComparer.OrdinalIgnoreCase).ToList();
        return new ClaimsBoard(columns, figures, claims);
    }

    private static BoardRow Row(string who, string? status, IEnumerable<(BoardSpan Span, IReadOnlyList<string> Annotators)> group)
    {
        var cells = group.GroupBy(m => m.Span.DocumentId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<BoardEntry>)g.OrderBy(m => m.Span.Start).Select(m => Entry(m.Span, m.Annotators)).ToList());
        string? disagreement = null;
        if (status is not null)
        {
            // Outlets disagree when their counts for the same people and status differ.
            var counts = cells.Values.SelectMany(e => e).Where(e => e.Count is not null).Select(e => e.Count!.Value).Distinct().Order().ToList();
            if (counts.Count > 1) disagreement = "The counts differ: " + string.Join(", ", counts.Select(c => c.ToString("#,0.##", CultureInfo.InvariantCulture))) + ".";
        }
        else
        {
            var stances = cells.Values.SelectMany(e => e).Select(e => e.Stance).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (stances.Contains("denied") && stances.Count > 1) disagreement = "Reported as " + string.Join(" and as ", stances) + ".";
        }
        return new BoardRow(who, status, cells, disagreement);
    }

    // For the same people, one outlet saying there were none while another counts killed or injured.
    private static string? Contradiction(BoardRow row, IReadOnlyList<BoardRow> all)
    {
        var same = all.Where(r => Key(r.Who) == Key(row.Who) && r.Who != NotSaid).ToList();
        var none = same.Where(r => r.Status == "none").ToList();
        var counted = same.Where(r => r.Status is "killed" or "injured" && r.Cells.Values.SelectMany(e => e).Any(e => e.Count is null or > 0))
            .OrderBy(r => StatusOrder(r.Status)).ToList();
        if (none.Count == 0 || counted.Count == 0 || !(none.Contains(row) || counted.Contains(row))) return null;
        return row.Status == "none"
            ? $"Other reports count {string.Join(" and ", counted.Select(r => r.Status))} {row.Who}."
            : $"Another report says there were none.";
    }

    private static BoardEntry Entry(BoardSpan s, IReadOnlyList<string> annotators) => new(
        s.Id, s.DocumentId,
        s.Values.GetValueOrDefault("count") is { } count && decimal.TryParse(count, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? n : null,
        s.Values.GetValueOrDefault("qualifier"), s.Values.GetValueOrDefault("stance"), s.Text, annotators);

    private static string Key(string? who)
    {
        var key = (who ?? "").Trim().ToLowerInvariant();
        if (key.StartsWith("the ", StringComparison.Ordinal)) key = key[4..];
        return key.Length == 0 ? NotSaid : key;
    }

    private static int StatusOrder(string? status) => status switch
    {
        "killed" => 0, "injured" => 1, "missing" => 2, "none" => 3, _ => 4,
    };

    /// <summary>The board as CSV (RFC 4180, UTF-8): one row per entry, with its group, document, outlet, date, values,
    /// words, annotators and the span's id; the disagreement of its group.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.Append("kind,who_or_source,status,disagreement,document_id,title,outlet,published,count,qualifier,stance,text,annotators,span_id\r\n");
        var columns = Columns.ToDictionary(c => c.Id);
        foreach (var (kind, rows) in new[] { ("figure", Figures), ("claim", Claims) })
            foreach (var row in rows)
                foreach (var column in Columns)
                    foreach (var e in row.Cells.GetValueOrDefault(column.Id) ?? [])
                    {
                        var d = columns[e.DocumentId];
                        Line(csv, kind, row.Who, row.Status, row.Disagreement, e.DocumentId.ToString(CultureInfo.InvariantCulture), d.Title, d.Outlet,
                            d.Published?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.Count?.ToString(CultureInfo.InvariantCulture), e.Qualifier, e.Stance,
                            e.Text, string.Join(";", e.Annotators), e.SpanId.ToString(CultureInfo.InvariantCulture));
                    }
        return csv.ToString();
    }

    private static void Line(StringBuilder csv, params string?[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) csv.Append(',');
            var f = fields[i] ?? "";
            // A leading =, +, - or @ would run as a formula in a spreadsheet: quoted with a leading apostrophe.
            if (f.Length > 0 && f[0] is '=' or '+' or '-' or '@') f = "'" + f;
            if (f.IndexOfAny([',', '"', '\r', '\n']) >= 0) csv.Append('"').Append(f.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else csv.Append(f);
        }
        csv.Append("\r\n");
    }
}
