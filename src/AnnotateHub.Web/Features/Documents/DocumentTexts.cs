using System.Collections.Concurrent;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Features.Annotations;

namespace AnnotateHub.Web.Features.Documents;

/// <summary>What never changes about a document's text and is the same for every viewer: the text, its code-point
/// offsets and its paragraphs. One copy per document for all the views open on it (<see cref="DocumentTexts"/>).
/// It also keeps the paragraph models views built lately, by what went into them (<see cref="ParagraphInput"/>): a change
/// seen by fifty views of a document lays out and encodes its paragraph once, and the views share the result.</summary>
public sealed class DocumentText
{
    // Per paragraph, the last few models built with their inputs: one for the spans as everyone sees them, others for a
    // view with a selection or another viewer's outline. Replaced round-robin.
    private const int ModelsPerParagraph = 4;

    private readonly Slot?[] _built;

    public DocumentText(string text)
    {
        Text = text;
        Offsets = new CodePointIndex(text);
        Paragraphs = [.. SpanLayout.Paragraphs(text)];
        _built = new Slot?[Paragraphs.Count];
    }

    public string Text { get; }
    public CodePointIndex Offsets { get; }
    public IReadOnlyList<(int Start, int End)> Paragraphs { get; }

    /// <summary>The model a view built for paragraph <paramref name="index"/> from exactly these inputs, or null.</summary>
    public ParagraphModel? Built(int index, ParagraphInput[] inputs)
    {
        if (Volatile.Read(ref _built[index]) is not { } slot) return null;
        lock (slot)
        {
            foreach (var entry in slot.Entries)
                if (entry is { } e && e.Inputs.AsSpan().SequenceEqual(inputs)) return e.Model;
        }
        return null;
    }

    // The spans' views as the views of this document hold them, one instance per span: each circuit read its own copies
    // from the database (about 280 bytes a span, strings included), the same for everyone.
    private readonly ConcurrentDictionary<long, AnnotationView> _views = new();

    /// <summary>
    /// The instance of this span's view that other views of the document hold when it equals <paramref name="view"/>,
    /// else <paramref name="view"/>, kept for the next (unless a newer version is kept). Placeholders (ids up to 0, a
    /// view's own unsaved spans) are not shared.
    /// </summary>
    public AnnotationView Share(AnnotationView view)
    {
        if (view.Id <= 0) return view;
        if (_views.TryGetValue(view.Id, out var known))
        {
            if (ReferenceEquals(known, view) || known.Equals(view)) return known;
            if (known.Version > view.Version) return view;
        }
        _views[view.Id] = view;
        return view;
    }

    /// <summary>The span was deleted: later views of the document will not read it.</summary>
    public void Forget(long id) => _views.TryRemove(id, out _);

    /// <summary>How many span views are shared now (for tests).</summary>
    public int SharedViews => _views.Count;

    /// <summary>Keeps a model built from <paramref name="inputs"/> for other views of the document.</summary>
    public void Keep(int index, ParagraphInput[] inputs, ParagraphModel model)
    {
        var slot = Volatile.Read(ref _built[index]) ?? Interlocked.CompareExchange(ref _built[index], new Slot(), null) ?? _built[index]!;
        lock (slot)
        {
            slot.Entries[slot.Next] = (inputs, model);
            slot.Next = (slot.Next + 1) % ModelsPerParagraph;
        }
    }

    private sealed class Slot
    {
        public readonly (ParagraphInput[] Inputs, ParagraphModel Model)?[] Entries = new (ParagraphInput[], ParagraphModel)?[ModelsPerParagraph];
        public int Next;
    }
}

/// <summary>What one span or suggestion puts into its paragraph's HTML, sorted by key: equal inputs give equal HTML.
/// <paramref name="Owner"/> is the annotator when the viewer sees the span as another's (outlined in their colour);
/// <paramref name="LabelName"/> and <paramref name="Source"/> are a suggestion's title; an annotation that says something
/// has its label's name and its values (<paramref name="Says"/>, as stored) in its title.</summary>
public readonly record struct ParagraphInput(long Key, int Start, int End, string Color, string? Owner, string? LabelName, string? Source,
    bool Selected, bool Pending, string? Says = null);

/// <summary>
/// The texts of the documents that views have open, shared: a view takes the copy another view holds instead of keeping
/// its own (issue 18, memory per open page). Held weakly, so a document nobody has open is collected; the text read from
/// the database is compared with the shared one, so a document whose text changed gets a new copy.
/// </summary>
public sealed class DocumentTexts
{
    private const int PruneEvery = 256;

    private readonly ConcurrentDictionary<int, WeakReference<DocumentText>> _texts = new();
    private int _added;

    public DocumentText Get(int documentId, string text)
    {
        if (_texts.TryGetValue(documentId, out var weak) && weak.TryGetTarget(out var shared) && string.Equals(shared.Text, text, StringComparison.Ordinal))
            return shared;
        var made = new DocumentText(text);
        _texts[documentId] = new WeakReference<DocumentText>(made);
        if (Interlocked.Increment(ref _added) % PruneEvery == 0) Prune();
        return made;
    }

    /// <summary>How many documents have a shared text now (for tests).</summary>
    public int Count => _texts.Count(t => t.Value.TryGetTarget(out _));

    private void Prune()
    {
        foreach (var (id, weak) in _texts)
        {
            if (!weak.TryGetTarget(out _)) _texts.TryRemove(new KeyValuePair<int, WeakReference<DocumentText>>(id, weak));
        }
    }
}
