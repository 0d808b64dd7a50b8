using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Recognizers;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Suggestions;

/// <summary>Which recognizer to run: casualty figures, or the string matcher (learned from the project's spans, plus a
/// gazetteer when one is given).</summary>
public enum RecognizerKind
{
    Casualty,
    Strings,
}

/// <summary>What a run of a recognizer did: documents read, suggestions added per label, and those not added because
/// the same span was already suggested or already marked with that label.</summary>
public sealed record RecognizeReport(string Recognizer, int Documents, int Added, int AlreadySuggested, int AlreadyMarked,
    IReadOnlyDictionary<string, int> AddedByLabel, IReadOnlyList<int> DocumentsChanged)
{
    public string Describe() =>
        $"{Recognizer}: {Documents:N0} document{(Documents == 1 ? "" : "s")} read, {Added:N0} suggestion{(Added == 1 ? "" : "s")} added" +
        (AddedByLabel.Count > 0 ? " (" + string.Join(", ", AddedByLabel.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value:N0}")) + ")" : "") +
        $", {AlreadySuggested:N0} already suggested, {AlreadyMarked:N0} already marked.";
}

/// <summary>A recognizer added suggestions to these documents: open views read their pending suggestions again.</summary>
public sealed record SuggestionsAddedEvent(int DocumentId) : IBusEvent
{
    public string Key => IBusEvent.KeyOf(DocumentId);
}

/// <summary>
/// Runs a recognizer over a project's documents (or one document) and saves what it finds as suggestions (issue 19):
/// nobody's work until an annotator accepts one, each named by its recognizer (<see cref="Suggestion.Source"/>), with the
/// attributes it filled in (checked against the label: what the label does not define is left out). A span already
/// suggested, or already marked with that label by someone, is not suggested again, so a second run adds nothing.
/// Who may run it is the caller's to check (supervisors; the command line is the operator).
/// </summary>
public sealed class RecognizerService(IDbContextFactory<AnnotateHubDbContext> dbFactory, LabelService labels, EventBus bus, TimeProvider clock)
{
    private const int DocumentsPerBatch = 200;

    /// <summary>The label the casualty recognizer's suggestions get.</summary>
    public const string CasualtyLabel = "casualty figure";

    /// <summary>The entries the string matcher would use for the project: learned from its spans, with the gazetteer's.</summary>
    public async Task<IReadOnlyList<StringEntry>> LearnAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var spans = await db.Annotations.AsNoTracking()
            .Where(a => db.Documents.Any(d => d.Id == a.DocumentId && d.ProjectId == projectId) && a.End - a.Start <= StringMatcher.MaxPhraseLength)
            .Select(a => new { a.DocumentId, a.Start, a.End, Label = a.Label!.Name })
            .ToListAsync(ct);
        var texts = new Dictionary<int, (string Text, CodePointIndex Index)>();
        var phrases = new List<(string, string)>(spans.Count);
        foreach (var group in spans.GroupBy(s => s.DocumentId))
        {
            var text = await db.Documents.AsNoTracking().Where(d => d.Id == group.Key).Select(d => d.Text).FirstAsync(ct);
            var index = new CodePointIndex(text);
            foreach (var s in group) phrases.Add((text[index.ToUtf16(s.Start)..index.ToUtf16(s.End)], s.Label));
        }
        return StringMatcher.Learn(phrases);
    }

    /// <summary>Runs the recognizer; <paramref name="gazetteer"/> adds entries to the string matcher's. Refuses (null and
    /// why) when the project lacks the label the recognizer needs.</summary>
    public async Task<(RecognizeReport? Report, string? Error)> RunAsync(int projectId, RecognizerKind kind, IReadOnlyList<StringEntry>? gazetteer = null,
        int? documentId = null, CancellationToken ct = default)
    {
        var set = await labels.ListAsync(projectId, ct);
        var byName = set.ToDictionary(l => l.Name, StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<StringEntry> entries = [];
        string source;
        if (kind == RecognizerKind.Casualty)
        {
            if (!byName.ContainsKey(CasualtyLabel)) return (null, $"The casualty recognizer suggests \"{CasualtyLabel}\" spans; this project has no such label ({string.Join(", ", set.Select(l => l.Name))}).");
            source = CasualtyRecognizer.Name;
        }
        else
        {
            entries = [.. await LearnAsync(projectId, ct), .. gazetteer ?? []];
            var unknown = entries.Select(e => e.Label).Where(l => !byName.ContainsKey(l)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (unknown.Count > 0) return (null, $"The gazetteer names labels this project does not have: {string.Join(", ", unknown)}.");
            source = StringMatcher.Name;
        }

        var added = 0;
        var alreadySuggested = 0;
        var alreadyMarked = 0;
        var documents = 0;
        var byLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        var changed = new List<int>();
        var now = clock.GetUtcNow().UtcDateTime;
        var after = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await db.Documents.AsNoTracking()
                .Where(d => d.ProjectId == projectId && d.Id > after && (documentId == null || d.Id == documentId))
                .OrderBy(d => d.Id).Take(DocumentsPerBatch).Select(d => new { d.Id, d.Text }).ToListAsync(ct);
            if (batch.Count == 0) break;
            after = batch[^1].Id;
            var ids = batch.Select(d => d.Id).ToList();
            var suggested = (await db.Suggestions.AsNoTracking().Where(s => ids.Contains(s.DocumentId)).Select(s => new { s.DocumentId, s.Start, s.End, s.LabelId }).ToListAsync(ct))
                .Select(s => (s.DocumentId, s.Start, s.End, s.LabelId)).ToHashSet();
            var marked = (await db.Annotations.AsNoTracking().Where(a => ids.Contains(a.DocumentId)).Select(a => new { a.DocumentId, a.Start, a.End, a.LabelId }).ToListAsync(ct))
                .Select(a => (a.DocumentId, a.Start, a.End, a.LabelId)).ToHashSet();
            foreach (var doc in batch)
            {
                documents++;
                var index = new CodePointIndex(doc.Text);
                var found = kind == RecognizerKind.Casualty
                    ? CasualtyRecognizer.Find(doc.Text).Select(f => (f.Start, f.End, Label: byName[CasualtyLabel], Values: (IReadOnlyDictionary<string, string>?)f.Attributes))
                    : StringMatcher.Find(doc.Text, entries).Select(m => (m.Start, m.End, Label: byName[m.Label], Values: (IReadOnlyDictionary<string, string>?)null));
                var any = false;
                foreach (var (start16, end16, label, values) in found)
                {
                    var key = (doc.Id, index.ToCodePoint(start16), index.ToCodePoint(end16), label.Id);
                    if (marked.Contains(key)) { alreadyMarked++; continue; }
                    if (!suggested.Add(key)) { alreadySuggested++; continue; }
                    db.Suggestions.Add(new Suggestion
                    {
                        DocumentId = doc.Id, Source = source, Start = key.Item2, End = key.Item3, LabelId = label.Id,
                        Attributes = AttributeJson.Values(AttributeRules.Fitting(label.Attributes, values)), CreatedAt = now,
                    });
                    byLabel[label.Name] = byLabel.GetValueOrDefault(label.Name) + 1;
                    added++;
                    any = true;
                }
                if (any) changed.Add(doc.Id);
            }
            await db.SaveChangesAsync(ct);
            if (documentId is not null) break;
        }
        foreach (var id in changed) bus.Publish(new SuggestionsAddedEvent(id));
        return (new RecognizeReport(source, documents, added, alreadySuggested, alreadyMarked, byLabel, changed), null);
    }
}
