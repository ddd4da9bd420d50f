using ClusterState.Model;

namespace ClusterState.Storage;

/// <summary>
/// The whole state at one revision, as a snapshot carries it: every live object, and the batch committed at that
/// revision, so that a store loaded from the image can still deliver a watch from its first retained revision.
/// </summary>
/// <param name="Revision">The revision the image was taken at.</param>
/// <param name="Objects">Every object alive at the revision, in kind, namespace and name order.</param>
/// <param name="LastBatch">
/// The changes committed at <paramref name="Revision"/>, with their previous objects; null when the image's source no
/// longer had them (revision 0, or an image loaded from an older format that did not carry them).
/// </param>
internal sealed record StateImage(long Revision, List<ClusterObject> Objects, Change[]? LastBatch);
