using System.Collections.Concurrent;
using AnnotateHub.Core.Text;

namespace AnnotateHub.Web.Features.Documents;

/// <summary>What never changes about a document's text and is the same for every viewer: the text, its code-point
/// offsets and its paragraphs. One copy per document for all the views open on it (<see cref="DocumentTexts"/>).</summary>
public sealed class DocumentText
{
    public DocumentText(string text)
    {
        Text = text;
        Offsets = new CodePointIndex(text);
        Paragraphs = [.. SpanLayout.Paragraphs(text)];
    }

    public string Text { get; }
    public CodePointIndex Offsets { get; }
    public IReadOnlyList<(int Start, int End)> Paragraphs { get; }
}

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
