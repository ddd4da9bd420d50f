using System.Buffers.Binary;
using ClusterState.Persistence;
using ClusterState.Persistence.Files;
using ClusterState.Replication.Raft;

namespace ClusterState.Replication;

/// <summary>
/// A Raft peer's durable state in <c>&lt;data directory&gt;/raft</c>: the log (<c>*.rlog</c> segments of framed
/// records: hard state, entries, snapshot markers) and the latest snapshot (<c>*.rsnap</c>). The peer's loop owns
/// it; everything a <see cref="Ready"/> asks to persist is written (and fsynced, unless durability is off) before
/// the loop sends the messages that depend on it.
/// </summary>
/// <remarks>
/// Records are framed and read back as the store's own log (<see cref="RecordFrame"/>: the same torn-tail rules), and
/// files are created and replaced through <see cref="DurableFiles"/> (directory synced). An entries record replaces the log from its first
/// index on, as <see cref="Ready.Entries"/> do. A snapshot rolls the log over: the snapshot file is written and
/// synced first, then a new segment starting with the hard state, the snapshot marker and the entries after it;
/// older segments and snapshots are deleted last, so a crash at any point leaves a readable directory.
/// </remarks>
internal sealed class RaftDiskStorage : IDisposable
{
    private static ReadOnlySpan<byte> SegmentMagic => "CSRAFT01"u8;

    private static ReadOnlySpan<byte> SnapshotMagic => "CSRSNP01"u8;

    private const byte HardStateRecord = 1;
    private const byte EntriesRecord = 2;
    private const byte SnapshotRecord = 3;
    private const int MaxBodyBytes = 1 << 30;

    private readonly string _directory;
    private readonly bool _fsync;
    private readonly BinaryEncoder _encoder = new(64 * 1024);
    private FileStream? _segment;
    private long _segmentNumber;

    /// <summary>The hard state last persisted: the first record of every new segment.</summary>
    private HardState _hardState;

    public RaftDiskStorage(string directory, bool fsync)
    {
        _directory = directory;
        _fsync = fsync;
        Directory.CreateDirectory(directory);
    }

    /// <summary>What the peer persisted before it stopped: its hard state, log entries after the snapshot, and the snapshot.</summary>
    internal sealed record State(HardState HardState, List<LogEntry> Entries, RaftSnapshot? Snapshot);

    /// <summary>
    /// Reads everything back and opens the last segment for appending. A record cut short at the end of the last
    /// segment (a crash mid-write, never acknowledged) is cut off; anything else unreadable is
    /// <see cref="CorruptDataException"/>.
    /// </summary>
    public State Load()
    {
        // Snapshots that were being written when the process died; the log still covers them.
        DurableFiles.DeleteTemporaryFiles(_directory);
        var read = Read(_directory);
        if (read.UnstartedSegment is { } unstarted)
        {
            // Its header was being written when the process died: nothing in it was acknowledged.
            File.Delete(unstarted);
        }

        var (hardState, entries, snapshot) = read.State;
        _hardState = hardState;
        if (read.LastSegment is not { } last)
        {
            _segmentNumber = 0;
            StartSegment(hardState, snapshot is { } s ? (s.Index, s.Term) : null, entries);
        }
        else
        {
            _segmentNumber = SegmentNumber(last);
            _segment = new FileStream(last, FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: 0);
            _segment.SetLength(read.ValidLength);
            _segment.Position = read.ValidLength;
        }

        return read.State;
    }

    /// <summary>What <see cref="Read"/> found: the state, and where appending would continue.</summary>
    /// <param name="State">The hard state, the entries after the snapshot and the newest snapshot.</param>
    /// <param name="LastSegment">The segment appends continue in (null when there is none).</param>
    /// <param name="ValidLength">Its length up to the end of its last whole record (a torn tail after it).</param>
    /// <param name="UnstartedSegment">A last segment whose header was never completed (nothing in it was acknowledged).</param>
    internal sealed record ReadResult(State State, string? LastSegment, long ValidLength, string? UnstartedSegment);

    /// <summary>
    /// Reads a peer's Raft directory without changing anything in it (a torn tail is left in place, temporary files are
    /// ignored): what <see cref="Load"/> recovers, and what the command-line tool inspects.
    /// </summary>
    /// <exception cref="CorruptDataException">A file is damaged; names the file and offset.</exception>
    internal static ReadResult Read(string directory)
    {
        var snapshot = LoadSnapshot(directory);
        var hardState = default(HardState);
        var entries = new List<LogEntry>();
        var snapshotIndex = snapshot?.Index ?? 0;
        var segments = Segments(directory);
        string? last = null;
        string? unstarted = null;
        long validLength = 0;
        for (var s = 0; s < segments.Count; s++)
        {
            var path = segments[s];
            var isLast = s == segments.Count - 1;
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < SegmentMagic.Length || !bytes.AsSpan(0, SegmentMagic.Length).SequenceEqual(SegmentMagic))
            {
                if (isLast && SegmentMagic.StartsWith(bytes))
                {
                    unstarted = path;
                    break;
                }

                throw new CorruptDataException(path, 0, "not a ClusterState Raft log segment (bad magic or format version)");
            }

            var scan = RecordFrame.Scan(bytes, SegmentMagic.Length, path, isLast, minBody: 1, MaxBodyBytes, (body, position) =>
                ReadRecord(new BinaryDecoder(body, path, position + RecordFrame.HeaderBytes), ref hardState, entries, ref snapshotIndex));
            last = path;
            validLength = scan.ValidLength;
        }

        if (snapshot is { } snap && snapshotIndex > snap.Index)
        {
            throw new CorruptDataException(directory, 0, $"the log refers to a snapshot at index {snapshotIndex}, but the newest snapshot file covers {snap.Index}");
        }

        if (snapshot is { } newest && snapshotIndex < newest.Index)
        {
            // The snapshot was saved but the log not yet rolled over (a crash in between). Entries that disagree
            // with it at its index belong to a stale history: drop them, as installing the snapshot did.
            if (entries.Exists(e => e.Index == newest.Index && e.Term != newest.Term))
            {
                entries.Clear();
            }

            snapshotIndex = newest.Index;
        }

        entries.RemoveAll(e => e.Index <= snapshotIndex);
        return new ReadResult(new State(hardState, entries, snapshot), last, validLength, unstarted);
    }

    public void Save(HardState? hardState, IReadOnlyList<LogEntry> entries)
    {
        if (hardState is null && entries.Count == 0)
        {
            return;
        }

        var mustSync = entries.Count > 0 || hardState is { } changed && (changed.Term != _hardState.Term || changed.Vote != _hardState.Vote);
        _encoder.Clear();
        if (entries.Count > 0)
        {
            WriteEntries(entries);
        }

        if (hardState is { } state)
        {
            WriteHardState(state);
            _hardState = state;
        }

        Segment.Write(_encoder.WrittenSpan);
        var started = _fsync && mustSync ? SyncTimer.Start() : 0;
        Segment.Flush(flushToDisk: _fsync && mustSync);
        SyncTimer.Stop(started);
    }

    /// <summary>Times every fsync of the Raft log's appends (its histogram is attached by the store's metrics).</summary>
    public Hosting.DurationRecorder SyncTimer { get; } = new();

    /// <summary>
    /// Saves <paramref name="snapshot"/> and rolls the log over: the new segment holds the hard
    /// state and <paramref name="entries"/> (those after the snapshot that are already persisted). Older segments
    /// and snapshots are then deleted.
    /// </summary>
    public void SaveSnapshot(RaftSnapshot snapshot, IReadOnlyList<LogEntry> entries)
    {
        WriteSnapshotFile(snapshot);
        RollOver(snapshot.Index, snapshot.Term, entries);
    }

    /// <summary>
    /// Writes <paramref name="snapshot"/> to its own file (through a temporary name, synced) without touching the
    /// log. Safe beside the loop's appends: it shares nothing with them. <see cref="RollOver"/> then makes the log
    /// start from it; a crash in between leaves a snapshot newer than the log's, which <see cref="Load"/> accepts.
    /// </summary>
    public void WriteSnapshotFile(RaftSnapshot snapshot)
    {
        var (index, term) = (snapshot.Index, snapshot.Term);
        DurableFiles.WriteAtomically(SnapshotPath(index), file =>
        {
            // [magic][i64 index][i64 term][u32 membership length][membership][u32 CRC-32C of all before][data]
            var membership = snapshot.Membership.Encode();
            var header = new byte[8 + 8 + 8 + 4 + membership.Length + 4];
            SnapshotMagic.CopyTo(header);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), index);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), term);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), membership.Length);
            membership.CopyTo(header.AsSpan(28));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(header.Length - 4), Crc32C.Compute(header.AsSpan(0, header.Length - 4)));
            file.Write(header);
            file.Write(snapshot.Data);
        }, _fsync);
    }

    /// <summary>
    /// Starts a new segment from the snapshot at <paramref name="index"/> (already written) with the hard state and
    /// <paramref name="entries"/>, the persisted ones after it; then deletes older segments and every other snapshot.
    /// </summary>
    public void RollOver(long index, long term, IReadOnlyList<LogEntry> entries)
    {
        var path = SnapshotPath(index);
        var oldSegments = Segments();
        _segment?.Dispose();
        _segment = null;
        StartSegment(_hardState, (index, term), entries);
        foreach (var old in oldSegments)
        {
            File.Delete(old);
        }

        foreach (var old in Directory.EnumerateFiles(_directory, "*.rsnap").Where(p => p != path))
        {
            File.Delete(old);
        }

        if (_fsync)
        {
            DurableFiles.SyncDirectory(_directory);
        }
    }

    /// <summary>Deletes the snapshot file at <paramref name="index"/> (one that a newer snapshot made useless).</summary>
    public void DeleteSnapshotFile(long index) => File.Delete(SnapshotPath(index));

    private string SnapshotPath(long index) => Path.Combine(_directory, $"{index:D20}.rsnap");

    public void Dispose()
    {
        _segment?.Dispose();
        _encoder.Dispose();
    }

    private FileStream Segment => _segment ?? throw new InvalidOperationException("The Raft storage was not loaded.");

    private void StartSegment(HardState hardState, (long Index, long Term)? snapshot, IReadOnlyList<LogEntry> entries)
    {
        _segmentNumber++;
        var path = Path.Combine(_directory, $"{_segmentNumber:D20}.rlog");
        _segment = DurableFiles.CreateNew(path, SegmentMagic, _fsync);
        _encoder.Clear();
        WriteHardState(hardState);
        if (snapshot is { } s)
        {
            Frame(e =>
            {
                e.WriteByte(SnapshotRecord);
                e.WriteVarInt(s.Index);
                e.WriteVarInt(s.Term);
            });
        }

        if (entries.Count > 0)
        {
            WriteEntries(entries);
        }

        _segment.Write(_encoder.WrittenSpan);
        _segment.Flush(flushToDisk: _fsync);
    }

    private void WriteHardState(HardState state) => Frame(e =>
    {
        e.WriteByte(HardStateRecord);
        e.WriteVarInt(state.Term);
        e.WriteVarUInt(state.Vote);
        e.WriteVarInt(state.Commit);
    });

    private void WriteEntries(IReadOnlyList<LogEntry> entries) => Frame(e =>
    {
        e.WriteByte(EntriesRecord);
        e.WriteVarUInt((ulong)entries.Count);
        foreach (var entry in entries)
        {
            e.WriteVarInt(entry.Term);
            e.WriteVarInt(entry.Index);
            e.WriteByte((byte)entry.Type);
            e.WriteVarUInt((ulong)entry.Data.Length);
            e.WriteBytes(entry.Data);
        }
    });

    private void Frame(Action<BinaryEncoder> write)
    {
        var start = RecordFrame.Begin(_encoder);
        write(_encoder);
        RecordFrame.End(_encoder, start);
    }

    private static void ReadRecord(BinaryDecoder d, ref HardState hardState, List<LogEntry> entries, ref long snapshotIndex)
    {
        switch (d.ReadByte())
        {
            case HardStateRecord:
                hardState = new HardState(d.ReadVarInt(), d.ReadVarUInt(), d.ReadVarInt());
                break;
            case EntriesRecord:
                var count = d.ReadCount();
                for (var i = 0; i < count; i++)
                {
                    var term = d.ReadVarInt();
                    var index = d.ReadVarInt();
                    var type = d.ReadByte() switch
                    {
                        (byte)EntryType.Normal => EntryType.Normal,
                        (byte)EntryType.Membership => EntryType.Membership,
                        var b => throw d.Corrupt($"{b} is not an entry type"),
                    };
                    var data = d.ReadBytes(d.ReadCount()).ToArray();
                    if (i == 0)
                    {
                        // Replaces the log from this index on (a follower's conflicting suffix).
                        entries.RemoveAll(e => e.Index >= index);
                    }

                    if (entries.Count > 0 && index != entries[^1].Index + 1)
                    {
                        throw d.Corrupt($"entry {index} follows entry {entries[^1].Index}: the log has a gap");
                    }

                    entries.Add(new LogEntry(term, index, data, type));
                }

                break;
            case SnapshotRecord:
                var covered = d.ReadVarInt();
                d.ReadVarInt();
                snapshotIndex = covered;
                entries.RemoveAll(e => e.Index <= covered);
                break;
            case var type:
                throw d.Corrupt($"unknown Raft record type {type}");
        }

        if (!d.AtEnd)
        {
            throw d.Corrupt($"{d.Remaining} bytes follow the record");
        }
    }

    private static RaftSnapshot? LoadSnapshot(string directory)
    {
        var newest = DurableFiles.List(directory, ".rsnap").LastOrDefault();
        if (newest is null)
        {
            return null;
        }

        var bytes = File.ReadAllBytes(newest);
        if (bytes.Length < 32 || !bytes.AsSpan(0, 8).SequenceEqual(SnapshotMagic))
        {
            throw new CorruptDataException(newest, 0, "not a ClusterState Raft snapshot (bad magic or format version)");
        }

        var membershipLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24));
        if (membershipLength < 0 || membershipLength > bytes.Length - 32)
        {
            throw new CorruptDataException(newest, 24, $"a membership of {membershipLength} bytes does not fit the file");
        }

        var headerLength = 28 + membershipLength;
        if (Crc32C.Compute(bytes.AsSpan(0, headerLength)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(headerLength)))
        {
            throw new CorruptDataException(newest, 0, "the snapshot header's checksum does not match");
        }

        Membership membership;
        try
        {
            membership = Membership.Decode(bytes.AsSpan(28, membershipLength));
        }
        catch (FormatException ex)
        {
            throw new CorruptDataException(newest, 28, ex.Message, ex);
        }

        var index = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
        var term = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        return new RaftSnapshot(index, term, membership, bytes[(headerLength + 4)..]);
    }

    private List<string> Segments() => Segments(_directory);

    private static List<string> Segments(string directory) => DurableFiles.List(directory, ".rlog");

    private static long SegmentNumber(string path) =>
        long.TryParse(Path.GetFileNameWithoutExtension(path), out var number) ? number : throw new CorruptDataException(path, 0, "a Raft log segment's name is not its number");
}
