using ClusterState.Model;

namespace ClusterState.Tests.Model;

/// <summary>Records and their collections have value equality, so <c>with</c> and <c>==</c> behave.</summary>
public sealed class ModelTests
{
    [Test]
    public void Objects_built_separately_with_equal_fields_are_equal()
    {
        var a = Objects.Service();
        var b = Objects.Service();
        Assert.That(a, Is.Not.SameAs(b));
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(Objects.Policy() == Objects.Policy(), Is.True);
        Assert.That(Objects.Slice(), Is.Not.EqualTo(Objects.Slice(ips: "10.244.9.9")));
    }

    [Test]
    public void Maps_are_equal_whatever_the_order_of_their_pairs()
    {
        var a = StringMap.Of(("a", "1"), ("b", "2"));
        var b = StringMap.Of(("b", "2"), ("a", "1"));
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(StringMap.Of(("a", "1"), ("a", "2"))["a"], Is.EqualTo("2"), "the last value given wins");
        Assert.That(a.SetItem("c", "3").Remove("c"), Is.EqualTo(a));
        StringMap fromDictionary = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" };
        Assert.That(fromDictionary, Is.EqualTo(a));
    }

    [Test]
    public void Lists_compare_by_items_in_order_and_default_to_empty()
    {
        ValueArray<int> a = [1, 2, 3];
        Assert.That(a, Is.EqualTo((ValueArray<int>)[1, 2, 3]));
        Assert.That(a, Is.Not.EqualTo((ValueArray<int>)[3, 2, 1]));
        Assert.That(default(ValueArray<int>), Is.EqualTo(ValueArray<int>.Empty));
        Assert.That(default(ValueArray<int>).Count, Is.Zero);
        Assert.That(a.Add(4).RemoveAt(3), Is.EqualTo(a));
        Assert.That(a.SetItem(0, 9)[0], Is.EqualTo(9));
    }

    [Test]
    public void Int_or_string_keeps_which_it_is()
    {
        IntOrString number = 8080;
        IntOrString name = "http";
        Assert.That((number.IsNumber, number.Number, number.ToString()), Is.EqualTo((true, (int?)8080, "8080")));
        Assert.That((name.IsNumber, name.Name), Is.EqualTo((false, "http")));
        Assert.That(default(IntOrString).IsEmpty, Is.True);
        Assert.That(new ServicePort { Port = 80 }.ResolvedTargetPortNumber, Is.EqualTo(80));
    }

    [Test]
    public void Policy_types_default_as_kubernetes_reads_them()
    {
        Assert.That(new NetworkPolicySpec().EffectivePolicyTypes, Is.EqualTo((ValueArray<PolicyType>)[PolicyType.Ingress]));
        Assert.That(new NetworkPolicySpec { Egress = [new NetworkPolicyEgressRule()] }.EffectivePolicyTypes, Is.EqualTo((ValueArray<PolicyType>)[PolicyType.Ingress, PolicyType.Egress]));
    }
}
