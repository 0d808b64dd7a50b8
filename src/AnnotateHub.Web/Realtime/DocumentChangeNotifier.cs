using System.Collections.Concurrent;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;

namespace AnnotateHub.Web.Realtime;

/// <summary>A committed change of a document, as delivered to live viewers.</summary>
public sealed record DocumentChangeEvent(int DocumentId, long Sequence, ChangeKind Kind, AnnotationView Annotation, string UserId);

/// <summary>
/// In-process fan-out of committed document changes to the circuits that show the document.
/// Services call <see cref="Publish"/> only after SaveChanges succeeded (save first, then notify).
/// </summary>
public sealed class DocumentChangeNotifier(ILogger<DocumentChangeNotifier> logger)
{
    private readonly ConcurrentDictionary<int, ImmutableHandlers> _subscribers = new();

    public IDisposable Subscribe(int documentId, Func<DocumentChangeEvent, Task> handler)
    {
        _subscribers.AddOrUpdate(documentId, _ => new ImmutableHandlers([handler]), (_, h) => h.Add(handler));
        return new Subscription(() => _subscribers.AddOrUpdate(documentId, _ => new ImmutableHandlers([]), (_, h) => h.Remove(handler)));
    }

    public void Publish(DocumentChangeEvent change)
    {
        if (!_subscribers.TryGetValue(change.DocumentId, out var handlers)) return;
        foreach (var handler in handlers.Items)
        {
            _ = Deliver(handler, change);
        }
    }

    private async Task Deliver(Func<DocumentChangeEvent, Task> handler, DocumentChangeEvent change)
    {
        try
        {
            await handler(change);
        }
        catch (Exception ex)
        {
            // One broken circuit must not stop delivery to the others.
            logger.LogWarning(ex, "Delivering change {Sequence} of document {DocumentId} failed", change.Sequence, change.DocumentId);
        }
    }

    private sealed record ImmutableHandlers(Func<DocumentChangeEvent, Task>[] Items)
    {
        public ImmutableHandlers Add(Func<DocumentChangeEvent, Task> h) => new([.. Items, h]);
        public ImmutableHandlers Remove(Func<DocumentChangeEvent, Task> h) => new(Items.Where(x => x != h).ToArray());
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }
}
