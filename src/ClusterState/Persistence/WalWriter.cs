using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using ClusterState.Kinds;
using ClusterState.Persistence.Files;
using ClusterState.Storage;

namespace ClusterState.Persistence;

/// <summary>
/// Appends records to the write-ahead log with group commit: records queued while one group is being written and
/// synced form the next group, so concurrent writers share one fsync. Bytes go through a
/// <see cref="PipeWriter"/> (pooled buffers) to the current segment file. After a group is durable, the revisions
/// in it are published (made visible to readers) and then acknowledged, in order.
/// </summary>
/// <remarks>
/// <see cref="Append"/> is called under the commit lock, so the queue is in revision order; one loop owns the
/// file. After a write or sync fails, every pending and later append fails with the same error.
/// </remarks>
internal sealed class WalWriter : IDisposable
{
    /// <summary>The first bytes of every segment: magic and format version.</summary>
    public static ReadOnlySpan<byte> SegmentHeader => "CSWAL001"u8;

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly bool _fsync;
    private readonly Action<long> _onDurable;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly BinaryEncoder _encoder = new(4096);
    private readonly Task _loop;
    private readonly Func<string, bool, Stream> _open;

    /// <summary>The largest record body this writer produces: never more than the reader accepts.</summary>
    private readonly int _maxRecordBytes;
    private Stream _file;
    private string _segmentPath;
    private PipeWriter _pipe;
    private long _segmentLength;
    private volatile Exception? _failure;

    /// <summary>The kinds batches are written with.</summary>
    private readonly KindRegistry _kinds;

    /// <summary>Opens <paramref name="segmentPath"/> for appending at <paramref name="validLength"/>, or starts a new segment.</summary>
    public WalWriter(string directory, KindRegistry kinds, string? segmentPath, long validLength, long nextRevision, long segmentBytes, bool fsync, Action<long> onDurable, Func<string, bool, Stream>? open = null, int maxRecordBytes = WalRecord.MaxBodyBytes)
    {
        _kinds = kinds;
        _maxRecordBytes = Math.Min(maxRecordBytes, WalRecord.MaxBodyBytes);
        _directory = directory;
        _segmentBytes = segmentBytes;
        _fsync = fsync;
        _onDurable = onDurable;
        _open = open ?? OpenFile;
        if (segmentPath is null || validLength < SegmentHeader.Length)
        {
            if (segmentPath is not null)
            {
                File.Delete(segmentPath);
            }

            (_file, _segmentPath, _segmentLength) = CreateSegment(nextRevision);
        }
        else
        {
            _segmentPath = segmentPath;
            _file = _open(segmentPath, false);
            _file.SetLength(validLength);
            _file.Position = validLength;
            _segmentLength = validLength;
        }

        _pipe = PipeWriter.Create(_file, new StreamPipeWriterOptions(leaveOpen: true));
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The segment being appended to.</summary>
    public string CurrentSegmentPath => Volatile.Read(ref _segmentPath);

    /// <summary>The error that stopped the log, if any.</summary>
    public Exception? Failure => _failure;

    /// <summary>
    /// Queues <paramref name="batch"/>; the task completes once it is durable and published. Call under the commit
    /// lock, in revision order.
    /// </summary>
    /// <exception cref="LimitExceededException">The record is larger than the reader accepts; nothing was queued.</exception>
    public Task Append(CommittedBatch batch)
    {
        _encoder.Clear();
        WalRecord.WriteBatch(_encoder, batch, _kinds);
        if (_encoder.Length - WalRecord.FrameHeaderBytes > _maxRecordBytes)
        {
            // Refused before it is queued: a record the reader would refuse must never be acknowledged.
            throw new LimitExceededException("log record size (bytes)", _encoder.Length - WalRecord.FrameHeaderBytes, _maxRecordBytes, $"revision {batch.Revision}");
        }
        return EnqueueEncoded(batch.Revision, publishes: true);
    }

    /// <summary>
    /// Queues a record of a compaction at <paramref name="revision"/>, made after the batch at
    /// <paramref name="position"/> was applied; the task completes once it is durable. Call under the commit lock.
    /// </summary>
    public Task AppendCompaction(long position, long revision)
    {
        _encoder.Clear();
        WalRecord.WriteCompaction(_encoder, position, revision);
        return EnqueueEncoded(position + 1, publishes: false);
    }

    /// <summary>Completes once everything queued before it is durable (for requests that wrote nothing).</summary>
    public Task Barrier(long revision) => Enqueue(new Pending(null, 0, revision, Publishes: false));

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // The loop records its own failure.
        }

        try
        {
            _pipe.Complete();
        }
        catch (IOException) when (_failure is not null)
        {
            // The log already failed; what it could not write is not acknowledged and recovery cuts it off.
        }
        finally
        {
            _file.Dispose();
        }

        _encoder.Dispose();
    }

    /// <summary>Queues the record in <see cref="_encoder"/>, copied into a pooled buffer the loop returns.</summary>
    private Task EnqueueEncoded(long revision, bool publishes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_encoder.Length);
        _encoder.WrittenSpan.CopyTo(buffer);
        return Enqueue(new Pending(buffer, _encoder.Length, revision, publishes));
    }

    private Task Enqueue(Pending pending)
    {
        if (_failure is { } failure)
        {
            Return(pending);
            return Task.FromException(Unavailable(failure));
        }

        if (!_queue.Writer.TryWrite(pending))
        {
            Return(pending);
            return Task.FromException(new StoreStoppedException("The store has been disposed and takes no more writes."));
        }

        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var group = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (_queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            try
            {
                if (_segmentLength >= _segmentBytes)
                {
                    await RotateAsync(group[0].Revision).ConfigureAwait(false);
                }

                var last = 0L;
                var written = false;
                foreach (var pending in group)
                {
                    if (pending.Buffer is { } buffer)
                    {
                        buffer.AsSpan(0, pending.Length).CopyTo(_pipe.GetSpan(pending.Length));
                        _pipe.Advance(pending.Length);
                        _segmentLength += pending.Length;
                        written = true;
                        if (pending.Publishes)
                        {
                            last = pending.Revision;
                        }
                    }
                }

                if (written)
                {
                    await _pipe.FlushAsync().ConfigureAwait(false);
                    Sync(_file, _fsync);
                    if (last > 0)
                    {
                        _onDurable(last);
                    }
                }

                foreach (var pending in group)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                _failure = ex;
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(Unavailable(ex));
                }

                _queue.Writer.TryComplete();
                while (_queue.Reader.TryRead(out var rest))
                {
                    rest.Done.TrySetException(Unavailable(ex));
                    Return(rest);
                }
            }
            finally
            {
                foreach (var pending in group)
                {
                    Return(pending);
                }
            }
        }
    }

    private async Task RotateAsync(long nextRevision)
    {
        await _pipe.FlushAsync().ConfigureAwait(false);
        await _pipe.CompleteAsync().ConfigureAwait(false);
        Sync(_file, _fsync);
        await _file.DisposeAsync().ConfigureAwait(false);
        (_file, var path, _segmentLength) = CreateSegment(nextRevision);
        Volatile.Write(ref _segmentPath, path);
        _pipe = PipeWriter.Create(_file, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary>The file name of the segment whose first record has <paramref name="revision"/>.</summary>
    public static string SegmentName(long revision) => $"{revision:D20}.wal";

    private (Stream, string, long) CreateSegment(long firstRevision)
    {
        var path = Path.Combine(_directory, SegmentName(firstRevision));
        var file = _open(path, true);
        file.Write(SegmentHeader);
        Sync(file, _fsync);
        if (_fsync)
        {
            // The new segment's name must survive a power loss as its records will.
            DurableFiles.SyncDirectory(_directory);
        }

        return (file, path, SegmentHeader.Length);
    }

    private static Stream OpenFile(string path, bool create) =>
        new FileStream(path, create ? FileMode.CreateNew : FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: 0);

    /// <summary>Times every fsync of the log (its histogram is attached by the store's metrics).</summary>
    public Hosting.DurationRecorder SyncTimer { get; } = new();

    /// <summary>Flushes to the operating system, and to the disk (fsync) when <paramref name="toDisk"/>.</summary>
    private void Sync(Stream stream, bool toDisk)
    {
        if (stream is FileStream file)
        {
            var started = toDisk ? SyncTimer.Start() : 0;
            file.Flush(flushToDisk: toDisk);
            SyncTimer.Stop(started);
        }
        else
        {
            stream.Flush();
        }
    }

    private static StoreStoppedException Unavailable(Exception cause) =>
        new($"The write-ahead log failed ({cause.Message}); the store takes no more writes. Reopen it to recover every acknowledged write.", cause);

    private static void Return(Pending pending)
    {
        if (pending.Buffer is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <param name="Buffer">The framed record (pooled), or null for a barrier.</param>
    /// <param name="Length">The record's length in <paramref name="Buffer"/>.</param>
    /// <param name="Revision">The batch's revision; for other records, the next batch's (names a segment that starts with it).</param>
    /// <param name="Publishes">True for a batch: once durable, its revision is published.</param>
    private readonly record struct Pending(byte[]? Buffer, int Length, long Revision, bool Publishes)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
