using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Suggestions;

namespace AnnotateHub.Web.Features.Documents;

/// <summary>One paragraph's render model: its runs of text as HTML (<see cref="DocumentModel"/> builds it, every text and
/// attribute value HTML-encoded), so the page renders a paragraph as one markup frame instead of several frames per run
/// (a circuit holds two copies of every component's frames). A new instance means "changed": paragraphs re-render only then.
/// Each run is a <c>span</c> with its UTF-16 offsets (<c>data-s</c>, <c>data-e</c>) for the browser and, over spans, the ids
/// over it (<c>data-anns</c>, space separated, innermost first; a suggestion's id as "s" + id), its classes and the CSS
/// custom properties that draw it.</summary>
public sealed record ParagraphModel(int Index, int Start, int End, int Rows, string Html)
{
    /// <summary>A blank line: no text, so no span ever shows on it.</summary>
    public bool IsBlank => Start == End;

    /// <summary>Whether a span or suggestion is laid out on it (it has underline rows).</summary>
    public bool HasSpans => Rows > 0;
}

/// <summary>
/// The document view's state: text, spans and the paragraph models derived from them. A change of one span
/// rebuilds only the paragraphs it touches, so a re-render diffs just those.
/// </summary>
public sealed class DocumentModel
{
    public const int MaxUnderlineRows = 6;

    private readonly DocumentText _shared;
    private readonly string _text;
    private readonly IReadOnlyList<(int Start, int End)> _paragraphs;
    private readonly ParagraphModel[] _models;
    private readonly Dictionary<long, AnnotationView> _annotations = [];
    private readonly Dictionary<long, SuggestionView> _suggestions = [];
    // UTF-16 range of every span laid out, by layout key: an annotation's id, or a suggestion's SuggestionKey.
    private readonly Dictionary<long, (int Start, int End)> _utf16 = [];
    // The layout keys over each paragraph in ascending order, so a change rebuilds its paragraphs from their own spans,
    // not from all of them, and their inputs come out sorted (DocumentText compares them across views).
    private readonly List<long>?[] _inParagraph;
    // The annotations of each label in list order (start, then id), for the span list: kept, not regrouped per change.
    private readonly Dictionary<int, SortedSet<AnnotationView>> _byLabel = [];
    private long? _selectedKey;
    private readonly HashSet<long> _pending = [];
    private Dictionary<int, LabelView> _labels;
    // Each label's attribute definitions, read once per label set (LabelView keeps them as text).
    private Dictionary<int, IReadOnlyList<Core.Labels.AttributeDefinition>> _definitions;

    private readonly string? _viewerId;

    /// <summary>Each annotator's colour (their spans' outline): the project's (<see cref="Components.Shared.ProjectColors"/>),
    /// set by the page; a stable one from the palette until then.</summary>
    public Func<string, string> AnnotatorColor { get; set; } = Components.Shared.UserColors.Of;

    /// <param name="viewerId">The user looking: other annotators' spans are outlined in their
    /// annotator's colour. Null draws every span alike.</param>
    public DocumentModel(string text, IEnumerable<AnnotationView> annotations, IEnumerable<LabelView> labels, string? viewerId = null)
        : this(new DocumentText(text), annotations, labels, viewerId)
    {
    }

    /// <param name="text">The document's text, offsets and paragraphs, shared by every view of it (<see cref="DocumentTexts"/>).</param>
    public DocumentModel(DocumentText text, IEnumerable<AnnotationView> annotations, IEnumerable<LabelView> labels, string? viewerId = null)
    {
        _viewerId = viewerId;
        _shared = text;
        _text = text.Text;
        Offsets = text.Offsets;
        _paragraphs = text.Paragraphs;
        _models = new ParagraphModel[_paragraphs.Count];
        _inParagraph = new List<long>?[_paragraphs.Count];
        _labels = labels.ToDictionary(l => l.Id);
        _definitions = _labels.ToDictionary(l => l.Key, l => l.Value.Attributes);
        foreach (var a in annotations) Put(a);
        RebuildAll();
    }

    public string Text => _text;
    public CodePointIndex Offsets { get; }
    public IReadOnlyList<ParagraphModel> Paragraphs => _models;
    public IReadOnlyCollection<AnnotationView> Annotations => _annotations.Values;
    public IReadOnlyDictionary<int, LabelView> Labels => _labels;
    /// <summary>The pending suggestions shown, in no particular order.</summary>
    public IReadOnlyCollection<SuggestionView> Suggestions => _suggestions.Values;

    /// <summary>The selected annotation, if an annotation (not a suggestion) is selected.</summary>
    public long? SelectedId => _selectedKey is { } key && !IsSuggestionKey(key) ? key : null;

    /// <summary>The selected suggestion, if a suggestion is selected.</summary>
    public long? SelectedSuggestionId => _selectedKey is { } key && IsSuggestionKey(key) ? key - SuggestionKeyBase : null;

    public AnnotationView? Find(long id) => _annotations.GetValueOrDefault(id);

    /// <summary>The label's annotations in list order (start, then id).</summary>
    public IReadOnlyCollection<AnnotationView> SpansOfLabel(int labelId) => _byLabel.TryGetValue(labelId, out var spans) ? spans : [];

    /// <summary>Bumped by every change of one of the label's spans (added, changed, removed), for the span list's groups.</summary>
    public int VersionOfLabel(int labelId) => _labelVersions.GetValueOrDefault(labelId);

    private readonly Dictionary<int, int> _labelVersions = [];

    private void Touch(int labelId) => _labelVersions[labelId] = _labelVersions.GetValueOrDefault(labelId) + 1;

    public SuggestionView? FindSuggestion(long id) => _suggestions.GetValueOrDefault(id);

    /// <summary>A suggestion's id as it appears in a segment's span ids (and so in the page's data-anns attributes).</summary>
    public static string SuggestionToken(long suggestionId) => "s" + suggestionId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Suggestions are laid out with the annotations (so they take underline rows and never hide a span) under keys far
    // below any annotation id: database ids are positive and placeholders count down from -1.
    private const long SuggestionKeyBase = long.MinValue;

    private static bool IsSuggestionKey(long key) => key < long.MinValue / 2;

    /// <summary>The span's text (what Python's text[start:end] gives).</summary>
    public string TextOf(AnnotationView a) => _text[Offsets.ToUtf16(a.Start)..Offsets.ToUtf16(a.End)];

    public string TextOf(SuggestionView s) => _text[Offsets.ToUtf16(s.Start)..Offsets.ToUtf16(s.End)];

    /// <summary>Adds or replaces a span; returns the number of paragraphs rebuilt.</summary>
    public int Upsert(AnnotationView annotation)
    {
        var touched = Touched();
        if (_utf16.TryGetValue(annotation.Id, out var old)) AddParagraphs(old, touched);
        Put(annotation);
        AddParagraphs(_utf16[annotation.Id], touched);
        return Rebuild(touched);
    }

    public int Remove(long id)
    {
        if (!_utf16.Remove(id, out var old)) return 0;
        Place(id, old, add: false);
        if (_annotations.Remove(id, out var removed))
        {
            _shared.Forget(id);
            _byLabel.GetValueOrDefault(removed.LabelId)?.Remove(removed);
            Touch(removed.LabelId);
        }
        _pending.Remove(id);
        if (_selectedKey == id) _selectedKey = null;
        var touched = Touched();
        AddParagraphs(old, touched);
        return Rebuild(touched);
    }

    /// <summary>Shows exactly these suggestions (the ones still pending for the viewer); returns the paragraphs rebuilt.</summary>
    public int SetSuggestions(IEnumerable<SuggestionView> suggestions)
    {
        var touched = Touched();
        foreach (var id in _suggestions.Keys.ToList()) RemoveSuggestionInto(id, touched);
        foreach (var s in suggestions)
        {
            if (s.End > Offsets.Length || s.Start < 0 || s.Start >= s.End) continue; // never drawn outside the text
            _suggestions[s.Id] = s;
            var range = (Offsets.ToUtf16(s.Start), Offsets.ToUtf16(s.End));
            _utf16[SuggestionKeyBase + s.Id] = range;
            Place(SuggestionKeyBase + s.Id, range, add: true);
            AddParagraphs(range, touched);
        }
        return Rebuild(touched);
    }

    /// <summary>Stops showing a suggestion (the viewer accepted or rejected it).</summary>
    public int RemoveSuggestion(long id)
    {
        var touched = Touched();
        RemoveSuggestionInto(id, touched);
        return Rebuild(touched);
    }

    private void RemoveSuggestionInto(long id, HashSet<int> touched)
    {
        if (!_suggestions.Remove(id) || !_utf16.Remove(SuggestionKeyBase + id, out var old)) return;
        Place(SuggestionKeyBase + id, old, add: false);
        if (_selectedKey == SuggestionKeyBase + id) _selectedKey = null;
        AddParagraphs(old, touched);
    }

    public void SetPending(long id, bool pending)
    {
        if (!(pending ? _pending.Add(id) : _pending.Remove(id)) || !_utf16.TryGetValue(id, out var range)) return;
        var touched = Touched();
        AddParagraphs(range, touched);
        Rebuild(touched);
    }

    /// <summary>Selects an annotation (or nothing); a selected suggestion is unselected.</summary>
    public void Select(long? id) => SelectKey(id is { } i && _annotations.ContainsKey(i) ? i : null);

    /// <summary>Selects a suggestion; a selected annotation is unselected.</summary>
    public void SelectSuggestion(long id) => SelectKey(_suggestions.ContainsKey(id) ? SuggestionKeyBase + id : null);

    private void SelectKey(long? key)
    {
        if (_selectedKey == key) return;
        var touched = Touched();
        if (_selectedKey is { } previous && _utf16.TryGetValue(previous, out var p)) AddParagraphs(p, touched);
        _selectedKey = key;
        if (key is { } current) AddParagraphs(_utf16[current], touched);
        Rebuild(touched);
    }

    public void ReplaceLabels(IEnumerable<LabelView> labels)
    {
        _labels = labels.ToDictionary(l => l.Id);
        _definitions = _labels.ToDictionary(l => l.Key, l => l.Value.Attributes);
        RebuildAll();
    }

    private void Put(AnnotationView a)
    {
        a = _shared.Share(a);
        if (_annotations.TryGetValue(a.Id, out var before))
        {
            _byLabel.GetValueOrDefault(before.LabelId)?.Remove(before);
            Touch(before.LabelId);
        }
        Touch(a.LabelId);
        if (_utf16.TryGetValue(a.Id, out var old)) Place(a.Id, old, add: false);
        _annotations[a.Id] = a;
        if (!_byLabel.TryGetValue(a.LabelId, out var list)) _byLabel[a.LabelId] = list = new SortedSet<AnnotationView>(ListOrder.Instance);
        list.Add(a);
        var range = (Offsets.ToUtf16(a.Start), Offsets.ToUtf16(a.End));
        _utf16[a.Id] = range;
        Place(a.Id, range, add: true);
    }

    /// <summary>Adds the key to (or removes it from) the paragraphs its UTF-16 range covers.</summary>
    private void Place(long key, (int Start, int End) range, bool add)
    {
        for (var p = ParagraphAt(range.Start); p < _paragraphs.Count && _paragraphs[p].Start < Math.Max(range.End, range.Start + 1); p++)
        {
            var keys = _inParagraph[p];
            var at = keys?.BinarySearch(key) ?? -1;
            if (add && at < 0) (keys ??= _inParagraph[p] = []).Insert(~at, key);
            else if (!add && at >= 0) keys!.RemoveAt(at);
        }
    }

    /// <summary>The span list's order: by start, then by id (ids are unique, so no two views compare equal).</summary>
    private sealed class ListOrder : IComparer<AnnotationView>
    {
        public static readonly ListOrder Instance = new();

        public int Compare(AnnotationView? x, AnnotationView? y) =>
            x is null || y is null ? Comparer<object>.Default.Compare(x, y) : x.Start != y.Start ? x.Start.CompareTo(y.Start) : x.Id.CompareTo(y.Id);
    }

    private void RebuildAll()
    {
        for (var p = 0; p < _paragraphs.Count; p++) _models[p] = Build(p, SpansIn(p));
        _rebuiltAll = true;
    }

    // The paragraphs a change touches: one set per view, cleared for each change (Touched), not one allocated per change.
    private readonly HashSet<int> _touched = [];

    private HashSet<int> Touched()
    {
        _touched.Clear();
        return _touched;
    }

    private int Rebuild(HashSet<int> paragraphs)
    {
        foreach (var p in paragraphs)
        {
            _models[p] = Build(p, SpansIn(p));
            _rebuilt.Add(p);
        }
        return paragraphs.Count;
    }

    // The paragraphs rebuilt since the view last took them (TakeRebuilt): what a live change has to render.
    private readonly HashSet<int> _rebuilt = [];
    private bool _rebuiltAll;

    /// <summary>
    /// The paragraphs whose models were rebuilt since the last call, so a live view renders those and does not walk the
    /// article; null when every paragraph was rebuilt (new labels), and the whole article has to render.
    /// </summary>
    public IReadOnlyCollection<int>? TakeRebuilt()
    {
        if (_rebuiltAll)
        {
            _rebuiltAll = false;
            _rebuilt.Clear();
            return null;
        }
        int[] taken = [.. _rebuilt];
        _rebuilt.Clear();
        return taken;
    }

    private void AddParagraphs((int Start, int End) range, HashSet<int> into)
    {
        for (var p = ParagraphAt(range.Start); p < _paragraphs.Count && _paragraphs[p].Start < Math.Max(range.End, range.Start + 1); p++) into.Add(p);
    }

    private int ParagraphAt(int utf16Offset)
    {
        int lo = 0, hi = _paragraphs.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (_paragraphs[mid].Start <= utf16Offset) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    // Encodes <, >, &, quotes and what is not a BMP letter or mark; the text of any script stays as it is.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>The spans and suggestions laid out over paragraph <paramref name="p"/>.</summary>
    private IEnumerable<LaidSpan> SpansIn(int p)
    {
        if (_inParagraph[p] is not { } keys) yield break;
        foreach (var key in keys)
        {
            var (start, end) = _utf16[key];
            yield return new LaidSpan(key, start, end);
        }
    }

    /// <summary>Paragraph <paramref name="index"/>'s model: the one another view of the document built from the same
    /// inputs, or a new one, kept for them.</summary>
    private ParagraphModel Build(int index, IEnumerable<LaidSpan> spans)
    {
        var inputs = InputsOf(index);
        if (_shared.Built(index, inputs) is { } built) return built;
        var made = Make(index, spans);
        _shared.Keep(index, inputs, made);
        return made;
    }

    private ParagraphInput[] InputsOf(int index)
    {
        if (_inParagraph[index] is not { Count: > 0 } keys) return [];
        var inputs = new ParagraphInput[keys.Count];
        var i = 0;
        foreach (var key in keys)
        {
            var (start, end) = _utf16[key];
            var selected = key == _selectedKey;
            var pending = _pending.Count > 0 && _pending.Contains(key);
            if (IsSuggestionKey(key))
            {
                var suggestion = _suggestions[key - SuggestionKeyBase];
                inputs[i++] = new ParagraphInput(key, start, end, ColorOf(key), null, LabelNameOf(suggestion), suggestion.Source, selected, pending);
            }
            else
            {
                var annotation = _annotations[key];
                var owner = annotation.AnnotatorId;
                var color = _labels.TryGetValue(annotation.LabelId, out var label) ? label.Color : NoLabelColor;
                inputs[i++] = new ParagraphInput(key, start, end, color, _viewerId is not null && owner != _viewerId ? owner : null,
                    annotation.Attributes is null ? null : label?.Name, null, selected, pending, annotation.Attributes);
            }
        }
        return inputs; // in key order: the paragraph's keys are kept sorted
    }

    private ParagraphModel Make(int index, IEnumerable<LaidSpan> spans)
    {
        var (start, end) = _paragraphs[index];
        var layout = SpanLayout.LayOut(start, end, spans);
        var html = new StringBuilder();
        using var writer = new StringWriter(html, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var seg in layout.Segments)
        {
            html.Append("<span");
            if (seg.Spans.Count > 0) AppendSpanAttributes(html, writer, seg);
            html.Append(" data-s=\"").Append(seg.Start).Append("\" data-e=\"").Append(seg.End).Append("\">");
            Html.Encode(writer, _text, seg.Start, seg.End - seg.Start);
            html.Append("</span>");
        }
        return new ParagraphModel(index, start, end, Math.Min(layout.Levels, MaxUnderlineRows), html.ToString());
    }

    /// <summary>A run under spans: its classes, the ids over it, the custom properties that draw them, and the suggestions' names.</summary>
    private void AppendSpanAttributes(StringBuilder html, StringWriter writer, Segment seg)
    {
        var ids = new StringBuilder();
        var style = new StringBuilder();
        var selected = false;
        var pending = false;
        // The innermost annotation decides whose the segment looks like; suggestions only add their dashed rows,
        // and colour the text themselves (lighter, outlined) only where no annotation covers it.
        var annotationAt = -1;
        for (var k = 0; k < seg.Spans.Count && annotationAt < 0; k++) if (!IsSuggestionKey(seg.Spans[k].Id)) annotationAt = k;
        var suggested = annotationAt < 0;
        var innermost = seg.Spans[suggested ? 0 : annotationAt].Id;
        var others = !suggested && _viewerId is not null && _annotations[innermost].AnnotatorId != _viewerId;
        StringBuilder? title = null;
        foreach (var s in seg.Spans)
        {
            if (ids.Length > 0) ids.Append(' ');
            var isSuggestion = IsSuggestionKey(s.Id);
            if (isSuggestion) ids.Append('s').Append(s.Id - SuggestionKeyBase); else ids.Append(s.Id);
            selected |= s.Id == _selectedKey;
            pending |= _pending.Contains(s.Id);
            var color = ColorOf(s.Id);
            if (style.Length == 0)
            {
                var fill = ColorOf(innermost);
                style.Append("--h:").Append(fill).Append(suggested ? "1f;" : "40;");
                if (suggested) style.Append("--s:").Append(fill).Append(';');
                if (others) style.Append("--o:").Append(AnnotatorColor(_annotations[innermost].AnnotatorId)).Append(';');
            }
            if (s.Level < MaxUnderlineRows)
            {
                style.Append("--l").Append(s.Level).Append(':').Append(color).Append(';');
                if (isSuggestion) style.Append("--g").Append(s.Level).Append(":transparent;"); // dashed
            }
            if (isSuggestion)
            {
                var suggestion = _suggestions[s.Id - SuggestionKeyBase];
                (title ??= new StringBuilder()).Append(title.Length > 0 ? "; " : "")
                    .Append("Suggestion: ").Append(LabelNameOf(suggestion)).Append(" from ").Append(suggestion.Source);
            }
            else if (_annotations[s.Id] is { Attributes: not null } said && SaysOf(said) is { Length: > 0 } says)
            {
                // What the span says, on hover.
                (title ??= new StringBuilder()).Append(title.Length > 0 ? "; " : "")
                    .Append(_labels.TryGetValue(said.LabelId, out var saidLabel) ? saidLabel.Name : said.LabelName).Append(": ").Append(says);
            }
        }
        html.Append(" class=\"").Append(ClassOf(selected, pending, others, suggested)).Append('"');
        html.Append(" data-anns=\"").Append(ids).Append('"');
        html.Append(" style=\"");
        Html.Encode(writer, style.ToString());
        html.Append('"');
        if (title is not null)
        {
            html.Append(" title=\"");
            Html.Encode(writer, title.ToString());
            html.Append('"');
        }
    }

    private static string ClassOf(bool selected, bool pending, bool others, bool suggested) => (selected, pending) switch
    {
        (true, true) => "ann sel pending",
        (true, false) => "ann sel",
        (false, true) => "ann pending",
        _ => "ann",
    } + (others ? " others" : "") + (suggested ? " sug" : "");

    // A span whose label is no longer in the label set is drawn grey.
    private const string NoLabelColor = "#9e9e9e";

    private string ColorOf(long key)
    {
        if (IsSuggestionKey(key))
        {
            var suggestion = _suggestions[key - SuggestionKeyBase];
            return _labels.TryGetValue(suggestion.LabelId, out var current) ? current.Color : suggestion.LabelColor;
        }
        return _labels.TryGetValue(_annotations[key].LabelId, out var label) ? label.Color : NoLabelColor;
    }

    /// <summary>A suggestion's label as named now (the label set may have been edited since it was read).</summary>
    /// <summary>The label's attribute definitions, in order (none for a label no longer in the set).</summary>
    public IReadOnlyList<Core.Labels.AttributeDefinition> DefinitionsOf(int labelId) => _definitions.GetValueOrDefault(labelId) ?? [];

    /// <summary>What the span says, in its label's order of attributes ("count 10, status injured"); empty when nothing.</summary>
    public string SaysOf(AnnotationView a) =>
        a.Attributes is null ? "" : Core.Labels.AttributeJson.Describe(DefinitionsOf(a.LabelId), a.Values());

    public string LabelNameOf(SuggestionView s) => _labels.TryGetValue(s.LabelId, out var label) ? label.Name : s.LabelName;
}
