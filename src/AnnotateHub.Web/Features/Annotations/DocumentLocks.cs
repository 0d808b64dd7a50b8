using System.Collections.Concurrent;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>
/// Serialises writes to one document inside this process so change-log sequence numbers are assigned
/// without retries; the unique (DocumentId, Sequence) index still guards against other processes.
/// </summary>
public sealed class DocumentLocks
{
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _locks = new();

    public async Task<IDisposable> AcquireAsync(int documentId, CancellationToken ct = default)
    {
        var gate = _locks.GetOrAdd(documentId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
