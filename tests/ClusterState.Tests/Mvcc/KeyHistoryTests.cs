using ClusterState.Model;
using ClusterState.Storage;

namespace ClusterState.Tests.Mvcc;

/// <summary>
/// A key's history holds its object bare while it has one live version, and a chain of versions otherwise: reads at
/// every revision must answer the same in both forms, across create, update, delete, re-create and compaction.
/// </summary>
public sealed class KeyHistoryTests
{
    private static Service At(long revision, int port) =>
        Objects.Service("a", port: port) is var s ? s with { Metadata = s.Metadata with { ResourceVersion = revision } } : null!;

    [Test]
    public void Reads_at_every_revision_survive_updates_deletes_and_compaction()
    {
        var history = new KeyHistory(new ObjectName("default", "a"));
        Assert.That(history.HasVersions, Is.False);
        Assert.That(history.LatestRevision, Is.Zero);

        var v2 = At(2, 80);
        history.AppendLocked(2, v2);
        Assert.That(history.Revisions(), Is.EqualTo(new long[] { 2 }));
        Assert.That(history.ReadAt(1), Is.Null);
        Assert.That(history.ReadAt(2), Is.SameAs(v2));
        Assert.That(history.LatestRevision, Is.EqualTo(2));

        var v5 = At(5, 81);
        history.AppendLocked(5, v5);
        history.AppendLocked(7, null);
        var v9 = At(9, 82);
        history.AppendLocked(9, v9);

        Assert.That(history.Revisions(), Is.EqualTo(new long[] { 9, 7, 5, 2 }));
        Assert.That(history.ReadAt(1), Is.Null);
        Assert.That(history.ReadAt(4), Is.SameAs(v2));
        Assert.That(history.ReadAt(6), Is.SameAs(v5));
        Assert.That(history.ReadAt(8), Is.Null, "deleted at 7");
        Assert.That(history.ReadAt(100), Is.SameAs(v9));
        Assert.That(history.Latest, Is.SameAs(v9));

        Assert.That(history.CompactLocked(6), Is.False);
        Assert.That(history.Revisions(), Is.EqualTo(new long[] { 9, 7, 5 }));
        Assert.That(history.ReadAt(6), Is.SameAs(v5));

        // Past the tombstone: the tombstone goes with the older version and one bare version is left.
        Assert.That(history.CompactLocked(8), Is.False);
        Assert.That(history.Revisions(), Is.EqualTo(new long[] { 9 }));
        Assert.That(history.ReadAt(8), Is.Null);
        Assert.That(history.ReadAt(9), Is.SameAs(v9));

        // A new version over the bare object keeps the old one readable.
        var v12 = At(12, 83);
        history.AppendLocked(12, v12);
        Assert.That(history.Revisions(), Is.EqualTo(new long[] { 12, 9 }));
        Assert.That(history.ReadAt(10), Is.SameAs(v9));
        Assert.That(history.ReadAt(12), Is.SameAs(v12));

        // An unpublished head removed: back to the bare older object.
        Assert.That(history.RemoveUnpublishedHeadLocked(12), Is.False);
        Assert.That(history.Revisions(), Is.EqualTo(new long[] { 9 }));
        Assert.That(history.ReadAt(12), Is.SameAs(v9));

        history.AppendLocked(13, null);
        Assert.That(history.Latest, Is.Null);
        Assert.That(history.CompactLocked(13), Is.True, "nothing visible remains");
    }

    [Test]
    public void A_first_version_removed_before_publication_leaves_nothing()
    {
        var history = new KeyHistory(new ObjectName("default", "a"));
        history.AppendLocked(3, At(3, 80));
        Assert.That(history.RemoveUnpublishedHeadLocked(3), Is.True);
        Assert.That(history.HasVersions, Is.False);
    }

    [Test]
    public void A_lone_tombstone_is_a_version_node()
    {
        var history = new KeyHistory(new ObjectName("default", "a"));
        history.AppendLocked(4, null);
        Assert.That(history.HasVersions, Is.True);
        Assert.That(history.LatestRevision, Is.EqualTo(4));
        Assert.That(history.ReadAt(4), Is.Null);
        Assert.That(history.CompactLocked(4), Is.True);
    }
}
