namespace ClusterState.Tests.Persistence;

/// <summary>When the log cannot be written, the store fails the write, stops taking writes, and loses nothing acknowledged.</summary>
public sealed class WriteFailureTests
{
    [Test]
    public async Task A_full_disk_fails_the_write_stops_the_store_and_reopening_recovers_every_acknowledged_write()
    {
        using var dir = new TempDirectory();
        var budget = new Budget { Left = 3000 };
        var options = new ClusterStoreOptions
        {
            DataDirectory = dir.Path,
            OpenSegment = (path, create) => new FullDisk(new FileStream(path, create ? FileMode.CreateNew : FileMode.Open, FileAccess.Write, FileShare.Read, 0), budget),
        };

        var acknowledged = new List<long>();
        Exception? failure = null;
        using (var store = new ClusterStore(options))
        {
            for (var i = 0; i < 100 && failure is null; i++)
            {
                try
                {
                    var svc = await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
                    acknowledged.Add(svc.Metadata.ResourceVersion);
                }
                catch (StoreUnavailableException ex)
                {
                    failure = ex;
                }
            }

            Assert.That(failure, Is.Not.Null, "the disk filled up");
            Assert.That(failure!.InnerException, Is.InstanceOf<IOException>());
            Assert.That(failure.Message, Does.Contain("takes no more writes"));
            var next = Assert.ThrowsAsync<StoreStoppedException>(async () => await store.Services.CreateAsync(Objects.Service("after", clusterIP: "10.96.9.9")));
            Assert.That(next!.Message, Does.Contain("takes no more writes"));
            Assert.That(store.Revision, Is.EqualTo(acknowledged[^1]), "readers never saw the failed write");
            Assert.That(store.Services.List().Items, Has.Count.EqualTo(acknowledged.Count));
        }

        using var reopened = new ClusterStore(new ClusterStoreOptions { DataDirectory = dir.Path });
        Assert.That(reopened.Revision, Is.EqualTo(acknowledged[^1]));
        Assert.That(reopened.Services.List().Items.Select(s => s.Metadata.ResourceVersion), Is.EquivalentTo(acknowledged));
        await reopened.Services.CreateAsync(Objects.Service("again", clusterIP: "10.96.8.8"));
    }

    [Test]
    public async Task A_store_whose_log_failed_releases_its_segment_file_on_dispose()
    {
        using var dir = new TempDirectory();
        var budget = new Budget { Left = 2000 };
        var opened = new List<FullDisk>();
        var options = new ClusterStoreOptions
        {
            DataDirectory = dir.Path,
            OpenSegment = (path, create) =>
            {
                var file = new FullDisk(new FileStream(path, create ? FileMode.CreateNew : FileMode.Open, FileAccess.Write, FileShare.Read, 0), budget);
                opened.Add(file);
                return file;
            },
        };

        using (var store = new ClusterStore(options))
        {
            Assert.ThrowsAsync<StoreStoppedException>(async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
                }
            });
        }

        Assert.That(opened, Is.Not.Empty);
        Assert.That(opened.Select(f => f.IsDisposed), Is.All.True, "every segment file is closed once the store is disposed");
    }

    /// <summary>Bytes the disk still takes, shared by every segment.</summary>
    private sealed class Budget
    {
        public long Left { get; set; }
    }

    /// <summary>A file that takes a byte budget, then writes part of the next write and fails like a full disk.</summary>
    private sealed class FullDisk(FileStream inner, Budget budget) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => true;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush(flushToDisk: true);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.Length > budget.Left)
            {
                inner.Write(buffer[..(int)Math.Max(0, budget.Left)]);
                budget.Left = 0;
                throw new IOException("No space left on device");
            }

            budget.Left -= buffer.Length;
            inner.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public bool IsDisposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                IsDisposed = true;
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
