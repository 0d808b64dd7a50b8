namespace AnnotateHub.Tests.Core.Formats;

/// <summary>Throws on synchronous Write and Flush, as Kestrel's response body does by default.</summary>
internal sealed class AsyncOnlyStream : Stream
{
    private readonly MemoryStream _bytes = new();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _bytes.Length;
    public byte[] ToArray() => _bytes.ToArray();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous write.");
    public override void Write(ReadOnlySpan<byte> buffer) => throw new InvalidOperationException("Synchronous write.");
    public override void WriteByte(byte value) => throw new InvalidOperationException("Synchronous write.");
    public override void Flush() => throw new InvalidOperationException("Synchronous flush.");
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _bytes.WriteAsync(buffer, offset, count, cancellationToken);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _bytes.WriteAsync(buffer, cancellationToken);
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    protected override void Dispose(bool disposing) { if (disposing) _bytes.Dispose(); base.Dispose(disposing); }
}
