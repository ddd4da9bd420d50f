namespace ClusterState.Storage;

/// <summary>An object's key within its kind: namespace (empty for cluster-scoped kinds) and name, ordered ordinally.</summary>
internal readonly record struct ObjectName(string Namespace, string Name) : IComparable<ObjectName>
{
    public int CompareTo(ObjectName other)
    {
        var c = string.CompareOrdinal(Namespace, other.Namespace);
        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => Namespace.Length == 0 ? Name : Namespace + "/" + Name;
}
