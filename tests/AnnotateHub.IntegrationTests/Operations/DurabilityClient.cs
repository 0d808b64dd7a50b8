using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AnnotateHub.IntegrationTests.Operations;

/// <summary>
/// One user's hub client that outlives its connections, as a script that reconnects after a server crash: it keeps per
/// document the last sequence it applied and the spans it knows, rejoins with that sequence (docs/realtime.md), applies
/// live events in sequence order, and records every create the server acknowledged. What breaks the contract (a gap, a
/// create applied twice, a catch-up that repeats what it had) goes to <see cref="Errors"/>.
/// </summary>
internal sealed class DurabilityClient(string userName, string password)
{
    /// <summary>A stored span as the test compares it: what the acknowledgment said, or what the file holds.</summary>
    public sealed record Span(long Id, int DocumentId, int Start, int End, int LabelId, string AnnotatorId)
    {
        public static Span Of(AnnotationDto a) => new(a.Id, a.DocumentId, a.Start, a.End, a.LabelId, a.AnnotatorId);
    }

    private sealed class DocumentStream
    {
        public long LastSeen;
        public readonly Dictionary<long, Span> Known = [];
        public readonly SortedDictionary<long, ChangeDto> Ahead = [];
        public bool Joined;
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<int, DocumentStream> _streams = [];
    private readonly List<Span> _acknowledged = [];
    private readonly List<string> _errors = [];
    private readonly List<string> _refusals = [];
    private List<string> _labels = [];
    private HubConnection? _connection;

    public string UserName { get; } = userName;
    public IReadOnlyList<Span> Acknowledged { get { lock (_lock) return _acknowledged.ToList(); } }
    public IReadOnlyList<string> Errors { get { lock (_lock) return _errors.ToList(); } }
    public IReadOnlyList<string> Refusals { get { lock (_lock) return _refusals.ToList(); } }
    /// <summary>Changes the last <see cref="ConnectAsync"/> received in its catch-ups.</summary>
    public int LastCatchUp { get; private set; }
    /// <summary>Live events that arrived with a sequence already applied (the join's catch-up already had them).</summary>
    public int DuplicatesSkipped { get; private set; }
    /// <summary>What ended the last <see cref="WriteAsync"/> early (the exception the lost connection threw), if anything.</summary>
    public string? StoppedBy { get; private set; }

    /// <summary>The spans of the document this client has applied, by id order.</summary>
    public IReadOnlyList<Span> Known(int documentId)
    {
        lock (_lock) return _streams.TryGetValue(documentId, out var s) ? s.Known.Values.OrderBy(a => a.Id).ToList() : [];
    }

    /// <summary>Signs in, connects and joins each document from the last sequence applied (0 the first time).</summary>
    public async Task ConnectAsync(Uri baseAddress, IEnumerable<int> documentIds)
    {
        using var http = SignInForm.CreateClient(baseAddress);
        using var signIn = await SignInForm.PostAsync(http, UserName, password);
        var cookie = SignInForm.SetCookie(signIn, SignInForm.IdentityCookie)?.Split(';')[0]
            ?? throw new InvalidOperationException($"Signing in as {UserName} failed ({(int)signIn.StatusCode}).");
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, AnnotationHub.Path), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        connection.On<ChangeDto>("Change", Receive);
        connection.On<ChangeDto[]>("Changes", changes => { foreach (var c in changes) Receive(c); });
        lock (_lock)
        {
            foreach (var stream in _streams.Values)
            {
                stream.Joined = false;
                stream.Ahead.Clear(); // events the last connection could not place: the catch-up brings them again
            }
        }
        await connection.StartAsync();
        _connection = connection;

        LastCatchUp = 0;
        foreach (var documentId in documentIds)
        {
            long after;
            lock (_lock) after = Stream(documentId).LastSeen;
            var joined = await connection.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)after);
            _labels = joined.Labels.Select(l => l.Name).ToList();
            lock (_lock)
            {
                var stream = Stream(documentId);
                if (joined.Snapshot) _errors.Add($"{UserName}: joining document {documentId} after {after} gave a snapshot, not a catch-up");
                foreach (var change in joined.Changes)
                {
                    if (change.Sequence != stream.LastSeen + 1)
                        _errors.Add($"{UserName}: the catch-up of document {documentId} after {after} has sequence {change.Sequence} where {stream.LastSeen + 1} was due");
                    Apply(stream, change);
                }
                LastCatchUp += joined.Changes.Count;
                if (stream.LastSeen < joined.Sequence)
                    _errors.Add($"{UserName}: document {documentId} is at {joined.Sequence} but its catch-up ended at {stream.LastSeen}");
                stream.Joined = true;
                Drain(stream);
            }
        }
    }

    /// <summary>Creates spans on random documents, one at a time, until <paramref name="max"/> or the connection is lost.</summary>
    public async Task WriteAsync(IReadOnlyList<(int Id, int Length)> documents, Random random, int max, CancellationToken ct)
    {
        var connection = _connection ?? throw new InvalidOperationException("Not connected.");
        StoppedBy = null;
        for (var i = 0; i < max && !ct.IsCancellationRequested; i++)
        {
            var (documentId, length) = documents[random.Next(documents.Count)];
            var start = random.Next(length - 1);
            var end = Math.Min(length, start + 1 + random.Next(30));
            var label = _labels[random.Next(_labels.Count)];
            MutationResult result;
            try
            {
                result = await connection.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, start, end, label, null, null), ct);
            }
            catch (HubException e)
            {
                lock (_lock) _refusals.Add(e.Message);
                continue;
            }
            catch (Exception e)
            {
                StoppedBy = e.GetType().Name; // the server is gone: this create was not acknowledged
                return;
            }
            lock (_lock)
            {
                if (!result.Ok) { _refusals.Add($"{result.Code}: {result.Error}"); continue; }
                _acknowledged.Add(Span.Of(result.Change!.Annotation));
            }
        }
    }

    public async Task DisconnectAsync()
    {
        if (_connection is null) return;
        await _connection.DisposeAsync();
        _connection = null;
    }

    private void Receive(ChangeDto change)
    {
        lock (_lock)
        {
            var stream = Stream(change.DocumentId);
            if (change.Sequence <= stream.LastSeen) { DuplicatesSkipped++; return; }
            stream.Ahead[change.Sequence] = change;
            if (stream.Joined) Drain(stream);
        }
    }

    // Applies the waiting events that continue the stream; the rest wait for the gap before them to fill.
    private void Drain(DocumentStream stream)
    {
        while (stream.Ahead.Count > 0)
        {
            var (sequence, change) = stream.Ahead.First();
            if (sequence > stream.LastSeen + 1) return;
            stream.Ahead.Remove(sequence);
            if (sequence <= stream.LastSeen) { DuplicatesSkipped++; continue; }
            Apply(stream, change);
        }
    }

    private void Apply(DocumentStream stream, ChangeDto change)
    {
        if (change.Sequence <= stream.LastSeen)
        {
            _errors.Add($"{UserName}: change {change.Sequence} of document {change.DocumentId} arrived again after {stream.LastSeen}");
            return;
        }
        if (change.Kind == "created" && !stream.Known.TryAdd(change.Annotation.Id, Span.Of(change.Annotation)))
            _errors.Add($"{UserName}: span {change.Annotation.Id} was created twice (sequence {change.Sequence})");
        stream.LastSeen = change.Sequence;
    }

    private DocumentStream Stream(int documentId)
    {
        if (!_streams.TryGetValue(documentId, out var stream)) _streams[documentId] = stream = new DocumentStream();
        return stream;
    }
}
