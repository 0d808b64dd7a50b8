using System.Buffers;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// A write-only stream that collects writes in memory and hands them on to the real output with asynchronous
/// writes when drained. Writers format a document (or a zip entry) synchronously into it, then drain: the real
/// output (an HTTP response, where Kestrel refuses synchronous writes) only ever sees async writes, and memory
/// holds one document's worth of bytes at a time.
/// </summary>
public sealed class OutputBuffer(Stream output, int drainThreshold = OutputBuffer.DefaultDrainThreshold) : Stream
{
    /// <summary>Pending bytes (64 KiB) at which <see cref="DrainIfFullAsync"/> drains, unless the constructor is given another threshold.</summary>
    public const int DefaultDrainThreshold = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _pending = new(drainThreshold + 4096);
    private long _written;

    /// <summary>Bytes handed to the real output so far plus those pending; zip and Parquet writers read it as their offset.</summary>
    public override long Position { get => _written + _pending.WrittenCount; set => throw new NotSupportedException(); }

    /// <summary>False: the buffer is write-only.</summary>
    public override bool CanRead => false;
    /// <summary>False: the buffer only appends.</summary>
    public override bool CanSeek => false;
    /// <summary>True.</summary>
    public override bool CanWrite => true;
    /// <summary>Not supported; use <see cref="Position"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Length => throw new NotSupportedException();

    /// <summary>Appends the bytes to the pending ones; nothing reaches the real output until a drain.</summary>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Appends the bytes to the pending ones; nothing reaches the real output until a drain.</summary>
    public override void Write(ReadOnlySpan<byte> buffer) => _pending.Write(buffer);

    /// <summary>Appends one byte to the pending ones.</summary>
    public override void WriteByte(byte value) => _pending.Write([value]);

    /// <summary>Appends the bytes synchronously (the task is already complete); nothing reaches the real output until a drain.</summary>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    /// <summary>Appends the bytes synchronously (the task is already complete); nothing reaches the real output until a drain.</summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Drains when more than the threshold is pending; call it after each document.</summary>
    public ValueTask DrainIfFullAsync(CancellationToken ct) =>
        _pending.WrittenCount >= drainThreshold ? DrainAsync(ct) : ValueTask.CompletedTask;

    /// <summary>Writes everything pending to the real output and flushes it.</summary>
    public async ValueTask DrainAsync(CancellationToken ct)
    {
        if (_pending.WrittenCount > 0)
        {
            await output.WriteAsync(_pending.WrittenMemory, ct);
            _written += _pending.WrittenCount;
            _pending.ResetWrittenCount();
        }
        await output.FlushAsync(ct);
    }

    // Flush is called synchronously by wrapped writers (zip, Utf8JsonWriter); the bytes stay pending until drained.
    /// <summary>Does nothing: pending bytes stay pending until <see cref="DrainAsync"/>.</summary>
    public override void Flush() { }

    /// <summary>Does nothing: pending bytes stay pending until <see cref="DrainAsync"/>.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Not supported: the buffer is write-only.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <summary>Not supported: the buffer only appends.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <summary>Not supported: the buffer only appends.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void SetLength(long value) => throw new NotSupportedException();
}
