using ClusterState.Model;

namespace ClusterState;

/// <summary>A collection read without its type: for callers that learn the kind at run time.</summary>
internal interface IUntypedCollection
{
    ListResult<ClusterObject> ListObjects(ListOptions? options);

    ClusterObject? GetObject(string @namespace, string name, long? revision);
}
