using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Validation;

namespace ClusterState.Tests.Validation;

/// <summary>
/// One case per rule: a valid object is changed in one place, and validation reports exactly that field with the
/// rule's message. Nothing is stored when any rule fails.
/// </summary>
public sealed class ValidationTests
{
    private static readonly Service Svc = Objects.Service();
    private static readonly EndpointSlice Slice = Objects.Slice();
    private static readonly Endpoints Eps = Objects.Endpoints();
    private static readonly NetworkPolicy Pol = Objects.Policy();
    private static readonly ClusterNetworkConfig Cfg = Objects.Config();

    private static ServiceSpec Spec(Func<ServiceSpec, ServiceSpec> change) => change(Svc.Spec);

    private static NetworkPolicy WithIngress(NetworkPolicyPeer? peer = null, NetworkPolicyPort? port = null) => Pol with
    {
        Spec = Pol.Spec with
        {
            Ingress = [new NetworkPolicyIngressRule { From = peer is null ? [] : [peer], Ports = port is null ? [] : [port] }],
        },
    };

    private static IEnumerable<TestCaseData> Cases()
    {
        // Metadata
        yield return Case("name required", Svc with { Metadata = Svc.Metadata with { Name = "" } }, "metadata.name", "Required value");
        yield return Case("service name is a DNS-1035 label", Svc with { Metadata = Svc.Metadata with { Name = "1web" } }, "metadata.name", "DNS-1035");
        yield return Case("name upper case", Svc with { Metadata = Svc.Metadata with { Name = "Web" } }, "metadata.name", "DNS-1035");
        yield return Case("name too long", Svc with { Metadata = Svc.Metadata with { Name = new string('a', 64) } }, "metadata.name", "no more than 63");
        yield return Case("slice name is a subdomain", Slice with { Metadata = Slice.Metadata with { Name = "web_1" } }, "metadata.name", "DNS-1123 subdomain");
        yield return Case("namespace required", Svc with { Metadata = Svc.Metadata with { Namespace = "" } }, "metadata.namespace", "Required value");
        yield return Case("namespace is a DNS label", Svc with { Metadata = Svc.Metadata with { Namespace = "kube.system" } }, "metadata.namespace", "DNS-1123 label");
        yield return Case("cluster-scoped has no namespace", Cfg with { Metadata = Cfg.Metadata with { Namespace = "default" } }, "metadata.namespace", "cluster-scoped");
        yield return Case("label key syntax", Svc with { Metadata = Svc.Metadata with { Labels = StringMap.Of(("-bad", "x")) } }, "metadata.labels[\"-bad\"]", "key name part");
        yield return Case("label key prefix", Svc with { Metadata = Svc.Metadata with { Labels = StringMap.Of(("Example.com/a", "x")) } }, "metadata.labels[\"Example.com/a\"]", "prefix part");
        yield return Case("label value syntax", Svc with { Metadata = Svc.Metadata with { Labels = StringMap.Of(("app", "a b")) } }, "metadata.labels[\"app\"]", "valid label value");
        yield return Case("label value length", Svc with { Metadata = Svc.Metadata with { Labels = StringMap.Of(("app", new string('a', 64))) } }, "metadata.labels[\"app\"]", "no more than 63");
        yield return Case("annotation key", Svc with { Metadata = Svc.Metadata with { Annotations = StringMap.Of(("a b", "x")) } }, "metadata.annotations[\"a b\"]", "key name part");
        yield return Case("annotations total size", Svc with { Metadata = Svc.Metadata with { Annotations = StringMap.Of(("big", new string('x', 300 * 1024))) } }, "metadata.annotations", "262144 bytes");
        yield return Case("finalizer is a qualified name", Svc with { Metadata = Svc.Metadata with { Finalizers = ["a b"] } }, "metadata.finalizers[0]", "name part");
        yield return Case("owner reference kind", Svc with { Metadata = Svc.Metadata with { OwnerReferences = [new OwnerReference { ApiVersion = "v1", Kind = "", Name = "x" }] } }, "metadata.ownerReferences[0].kind", "Required value");

        // Service
        yield return Case("port range", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Port = 0 }] }) }, "spec.ports[0].port", "must be between 1 and 65535");
        yield return Case("second port", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Name = "a", Port = 80 }, new ServicePort { Name = "b", Port = 65536 }] }) }, "spec.ports[1].port", "must be between 1 and 65535");
        yield return Case("port names required when several", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Name = "a", Port = 80 }, new ServicePort { Port = 81 }] }) }, "spec.ports[1].name", "Required value");
        yield return Case("port names unique", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Name = "a", Port = 80 }, new ServicePort { Name = "a", Port = 81 }] }) }, "spec.ports[1].name", "Duplicate value");
        yield return Case("port and protocol unique", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Name = "a", Port = 80 }, new ServicePort { Name = "b", Port = 80 }] }) }, "spec.ports[1]", "Duplicate value: port 80/TCP");
        yield return Case("port name DNS label", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Name = "HTTP", Port = 80 }] }) }, "spec.ports[0].name", "DNS-1123 label");
        yield return Case("protocol defined", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Port = 80, Protocol = (Protocol)9 }] }) }, "spec.ports[0].protocol", "Unsupported value");
        yield return Case("target port number", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Port = 80, TargetPort = 70000 }] }) }, "spec.ports[0].targetPort", "must be between 1 and 65535");
        yield return Case("target port name", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Port = 80, TargetPort = "http--x" }] }) }, "spec.ports[0].targetPort", "consecutive hyphens");
        yield return Case("target port name length", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Port = 80, TargetPort = "abcdefghijklmnop" }] }) }, "spec.ports[0].targetPort", "no more than 15");
        yield return Case("node port needs NodePort type", Svc with { Spec = Spec(s => s with { Ports = [new ServicePort { Port = 80, NodePort = 30080 }] }) }, "spec.ports[0].nodePort", "NodePort or LoadBalancer");
        yield return Case("ports required", Svc with { Spec = Spec(s => s with { Ports = [] }) }, "spec.ports", "at least one port");
        yield return Case("cluster IP syntax", Svc with { Spec = Spec(s => s with { ClusterIP = "10.96.0.300" }) }, "spec.clusterIP", "valid IP address");
        yield return Case("cluster IP no leading zeros", Svc with { Spec = Spec(s => s with { ClusterIP = "010.96.0.1" }) }, "spec.clusterIP", "valid IP address");
        yield return Case("headless is not for NodePort", Svc with { Spec = Spec(s => s with { Type = ServiceType.NodePort, ClusterIP = "None" }) }, "spec.clusterIP", "may not be set to 'None'");
        yield return Case("clusterIPs[0] matches clusterIP", Svc with { Spec = Spec(s => s with { ClusterIPs = ["10.96.0.11"] }) }, "spec.clusterIPs[0]", "must match `clusterIP`");
        yield return Case("dual stack needs two families", Svc with { Spec = Spec(s => s with { ClusterIP = "10.96.0.10", ClusterIPs = ["10.96.0.10", "10.96.0.11"] }) }, "spec.clusterIPs[1]", "different IP families");
        yield return Case("single stack with two IPs", Svc with { Spec = Spec(s => s with { ClusterIP = "10.96.0.10", ClusterIPs = ["10.96.0.10", "fd00::10"], IPFamilyPolicy = IPFamilyPolicy.SingleStack }) }, "spec.ipFamilyPolicy", "multiple IP families");
        yield return Case("ip family matches ip", Svc with { Spec = Spec(s => s with { IPFamilies = [IPFamily.IPv6] }) }, "spec.clusterIP", "does not match the IP family IPv6");
        yield return Case("external name required", Svc with { Spec = Spec(s => s with { Type = ServiceType.ExternalName, ClusterIP = null, Ports = [] }) }, "spec.externalName", "Required value");
        yield return Case("external name is a subdomain", Svc with { Spec = Spec(s => s with { Type = ServiceType.ExternalName, ClusterIP = null, ExternalName = "bad_name" }) }, "spec.externalName", "DNS-1123 subdomain");
        yield return Case("external name type has no cluster IP", Svc with { Spec = Spec(s => s with { Type = ServiceType.ExternalName, ExternalName = "db.example.com" }) }, "spec.clusterIPs", "ExternalName");
        yield return Case("affinity timeout", Svc with { Spec = Spec(s => s with { SessionAffinity = SessionAffinity.ClientIP, SessionAffinityConfig = new() { ClientIPTimeoutSeconds = 0 } }) }, "spec.sessionAffinityConfig.clientIP.timeoutSeconds", "less than or equal to 86400");
        yield return Case("affinity config needs ClientIP", Svc with { Spec = Spec(s => s with { SessionAffinityConfig = new() { ClientIPTimeoutSeconds = 10 } }) }, "spec.sessionAffinityConfig", "ClientIP");
        yield return Case("external IP", Svc with { Spec = Spec(s => s with { ExternalIPs = ["127.0.0.1"] }) }, "spec.externalIPs[0]", "loopback");
        yield return Case("source ranges need LoadBalancer", Svc with { Spec = Spec(s => s with { LoadBalancerSourceRanges = ["10.0.0.0/8"] }) }, "spec.loadBalancerSourceRanges", "LoadBalancer");
        yield return Case("selector label value", Svc with { Spec = Spec(s => s with { Selector = StringMap.Of(("app", "!")) }) }, "spec.selector[\"app\"]", "valid label value");
        yield return Case("load balancer IP mode", Svc with { Status = new() { LoadBalancerIngress = [new LoadBalancerIngress { IP = "203.0.113.1", IPMode = "Magic" }] } }, "status.loadBalancer.ingress[0].ipMode", "VIP");

        // Endpoints
        yield return Case("endpoint IP", Eps with { Subsets = [Eps.Subsets[0] with { Addresses = [new EndpointAddress { IP = "nope" }] }] }, "subsets[0].addresses[0].ip", "valid IP address");
        yield return Case("endpoint IP not link-local", Eps with { Subsets = [Eps.Subsets[0] with { NotReadyAddresses = [new EndpointAddress { IP = "169.254.1.1" }] }] }, "subsets[0].notReadyAddresses[0].ip", "link-local");
        yield return Case("endpoint hostname", Eps with { Subsets = [Eps.Subsets[0] with { Addresses = [new EndpointAddress { IP = "10.1.1.1", Hostname = "a.b" }] }] }, "subsets[0].addresses[0].hostname", "DNS-1123 label");
        yield return Case("endpoint port", Eps with { Subsets = [Eps.Subsets[0] with { Ports = [new EndpointPort { Port = 0 }] }] }, "subsets[0].ports[0].port", "between 1 and 65535");
        yield return Case("endpoint ports required", Eps with { Subsets = [Eps.Subsets[0] with { Ports = [] }] }, "subsets[0].ports", "Required value");

        // EndpointSlice
        yield return Case("slice address family", Slice with { Endpoints = [new Endpoint { Addresses = ["fd00::1"] }] }, "endpoints[0].addresses[0]", "IPv4 address");
        yield return Case("slice addresses required", Slice with { Endpoints = [new Endpoint { Addresses = [] }] }, "endpoints[0].addresses", "at least 1 address");
        yield return Case("slice FQDN", Slice with { AddressType = AddressType.FQDN, Endpoints = [new Endpoint { Addresses = ["Not_A_Name"] }] }, "endpoints[0].addresses[0]", "DNS-1123 subdomain");
        yield return Case("slice endpoint count", Slice with { Endpoints = ValueArray.From(Enumerable.Range(0, 1001).Select(i => new Endpoint { Addresses = [$"10.1.{i / 256}.{i % 256 + 1 - (i % 256 == 255 ? 1 : 0)}"] })) }, "endpoints", "at most 1000");
        yield return Case("slice node name", Slice with { Endpoints = [new Endpoint { Addresses = ["10.1.1.1"], NodeName = "Node_1" }] }, "endpoints[0].nodeName", "DNS-1123 subdomain");
        yield return Case("slice port", Slice with { Ports = [new EndpointPort { Name = "x", Port = 99999 }] }, "ports[0].port", "between 1 and 65535");
        yield return Case("slice address type", Slice with { AddressType = (AddressType)7 }, "addressType", "Unsupported value");

        // NetworkPolicy
        yield return Case("selector operator needs values", Pol with { Spec = Pol.Spec with { PodSelector = new() { MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = LabelSelectorOperator.In }] } } }, "spec.podSelector.matchExpressions[0].values", "must be specified");
        yield return Case("Exists takes no values", Pol with { Spec = Pol.Spec with { PodSelector = new() { MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = LabelSelectorOperator.Exists, Values = ["x"] }] } } }, "spec.podSelector.matchExpressions[0].values", "may not be specified");
        yield return Case("selector key", Pol with { Spec = Pol.Spec with { PodSelector = new() { MatchExpressions = [new LabelSelectorRequirement { Key = "a b", Operator = LabelSelectorOperator.Exists }] } } }, "spec.podSelector.matchExpressions[0].key", "name part");
        yield return Case("policy types unique", Pol with { Spec = Pol.Spec with { PolicyTypes = [PolicyType.Ingress, PolicyType.Ingress] } }, "spec.policyTypes[1]", "Duplicate value");
        yield return Case("peer required", WithIngress(new NetworkPolicyPeer()), "spec.ingress[0].from[0]", "must specify a peer");
        yield return Case("ipBlock alone", WithIngress(new NetworkPolicyPeer { IPBlock = new() { Cidr = "10.0.0.0/8" }, PodSelector = new() }), "spec.ingress[0].from[0]", "may not specify both");
        yield return Case("ipBlock CIDR", WithIngress(new NetworkPolicyPeer { IPBlock = new() { Cidr = "10.0.0.0/33" } }), "spec.ingress[0].from[0].ipBlock.cidr", "valid CIDR");
        yield return Case("ipBlock CIDR canonical", WithIngress(new NetworkPolicyPeer { IPBlock = new() { Cidr = "10.0.0.1/8" } }), "spec.ingress[0].from[0].ipBlock.cidr", "CIDR");
        yield return Case("except inside cidr", WithIngress(new NetworkPolicyPeer { IPBlock = new() { Cidr = "10.0.0.0/16", Except = ["10.1.0.0/24"] } }), "spec.ingress[0].from[0].ipBlock.except[0]", "strict subset");
        yield return Case("except strictly inside", WithIngress(new NetworkPolicyPeer { IPBlock = new() { Cidr = "10.0.0.0/16", Except = ["10.0.0.0/16"] } }), "spec.ingress[0].from[0].ipBlock.except[0]", "strict subset");
        yield return Case("except same family", WithIngress(new NetworkPolicyPeer { IPBlock = new() { Cidr = "10.0.0.0/16", Except = ["fd00::/64"] } }), "spec.ingress[0].from[0].ipBlock.except[0]", "strict subset");
        yield return Case("endPort >= port", WithIngress(port: new NetworkPolicyPort { Port = 100, EndPort = 90 }), "spec.ingress[0].ports[0].endPort", "greater than or equal to `port`");
        yield return Case("endPort needs numeric port", WithIngress(port: new NetworkPolicyPort { Port = "http", EndPort = 90 }), "spec.ingress[0].ports[0].endPort", "`port` is a number");
        yield return Case("policy port number", WithIngress(port: new NetworkPolicyPort { Port = 0 }), "spec.ingress[0].ports[0].port", "between 1 and 65535");
        yield return Case("policy port name", WithIngress(port: new NetworkPolicyPort { Port = "-http" }), "spec.ingress[0].ports[0].port", "hyphen");
        yield return Case("egress peer selector value", Pol with { Spec = Pol.Spec with { Egress = [new NetworkPolicyEgressRule { To = [new NetworkPolicyPeer { NamespaceSelector = new() { MatchLabels = StringMap.Of(("team", "a/b")) } }] }] } }, "spec.egress[0].to[0].namespaceSelector.matchLabels[\"team\"]", "valid label value");

        // ClusterNetworkConfig
        yield return Case("service CIDR", Cfg with { Spec = Cfg.Spec with { ServiceCidrs = ["10.96.0.0"] } }, "spec.serviceCidrs[0]", "valid CIDR");
        yield return Case("pod CIDRs one per family", Cfg with { Spec = Cfg.Spec with { PodCidrs = ["10.244.0.0/16", "10.245.0.0/16"] } }, "spec.podCidrs[1]", "different IP families");
        yield return Case("node mask not wider than pod CIDR", Cfg with { Spec = Cfg.Spec with { NodeCidrMaskSizeIPv4 = 8 } }, "spec.nodeCidrMaskSizeIPv4", "pod CIDR's prefix length (16)");
        yield return Case("node mask range", Cfg with { Spec = Cfg.Spec with { NodeCidrMaskSizeIPv6 = 129 } }, "spec.nodeCidrMaskSizeIPv6", "between 1 and 128");
        yield return Case("cluster domain", Cfg with { Spec = Cfg.Spec with { ClusterDomain = "Cluster.Local" } }, "spec.clusterDomain", "DNS-1123 subdomain");
        yield return Case("plugin setting key", Cfg with { Spec = Cfg.Spec with { PluginSettings = StringMap.Of(("bad key", "x")) } }, "spec.pluginSettings[\"bad key\"]", "key name part");
    }

    private static TestCaseData Case(string rule, ClusterObject obj, string field, string message) =>
        new TestCaseData(obj, field, message).SetName("Rule: " + rule);

    [TestCaseSource(nameof(Cases))]
    public void Each_rule_reports_its_field_and_nothing_is_stored(ClusterObject obj, string field, string message)
    {
        var error = Assert.Throws<ValidationException>(() => ObjectValidator.Validate(obj, ClusterStoreOptions.DefaultMaxObjectBytes, KindRegistry.BuiltIn));
        Assert.That(error!.Errors.Select(e => e.Field), Does.Contain(field), error.Message);
        Assert.That(error.Errors.First(e => e.Field == field).Message, Does.Contain(message));

        using var store = new ClusterStore();
        Assert.ThrowsAsync<ValidationException>(async () => await store.Transaction().Then(TxnOperation.Create(obj)).CommitAsync());
        Assert.That(store.Revision, Is.Zero);
    }

    [Test]
    public void The_sample_objects_are_valid()
    {
        foreach (var obj in new ClusterObject[] { Svc, Slice, Eps, Pol, Cfg })
        {
            Assert.DoesNotThrow(() => ObjectValidator.Validate(obj, ClusterStoreOptions.DefaultMaxObjectBytes, KindRegistry.BuiltIn), obj.Kind.ToString());
        }
    }

    [Test]
    public void Valid_special_cases_pass()
    {
        ClusterObject[] valid =
        [
            Svc with { Spec = Spec(s => s with { ClusterIP = "None", Ports = [] }) },
            Svc with { Spec = Spec(s => s with { Type = ServiceType.ExternalName, ClusterIP = null, Ports = [], ExternalName = "db.example.com." }) },
            Svc with { Spec = Spec(s => s with { ClusterIP = "10.96.0.10", ClusterIPs = ["10.96.0.10", "fd00::a"], IPFamilies = [IPFamily.IPv4, IPFamily.IPv6], IPFamilyPolicy = IPFamilyPolicy.RequireDualStack }) },
            Svc with { Spec = Spec(s => s with { Type = ServiceType.LoadBalancer, Ports = [new ServicePort { Port = 443, NodePort = 30443, TargetPort = "https" }], ExternalTrafficPolicy = TrafficPolicy.Local, HealthCheckNodePort = 31000, LoadBalancerSourceRanges = ["192.0.2.0/24"] }) },
            WithIngress(port: new NetworkPolicyPort { Protocol = Protocol.UDP, Port = "dns" }),
            WithIngress(new NetworkPolicyPeer { NamespaceSelector = new(), PodSelector = LabelSelector.Parse("app in (a,b),!legacy") }),
            Slice with { AddressType = AddressType.FQDN, Endpoints = [new Endpoint { Addresses = ["db.example.com"] }], Ports = [new EndpointPort()] },
        ];
        foreach (var obj in valid)
        {
            Assert.DoesNotThrow(() => ObjectValidator.Validate(obj, ClusterStoreOptions.DefaultMaxObjectBytes, KindRegistry.BuiltIn), obj.ToString());
        }
    }

    [Test]
    public void Every_violation_is_listed_not_just_the_first()
    {
        var bad = Svc with
        {
            Metadata = Svc.Metadata with { Name = "Bad_Name" },
            Spec = Spec(s => s with { ClusterIP = "x", Ports = [new ServicePort { Name = "a", Port = 0 }, new ServicePort { Name = "a", Port = 70000 }] }),
        };
        var error = Assert.Throws<ValidationException>(() => ObjectValidator.Validate(bad, ClusterStoreOptions.DefaultMaxObjectBytes, KindRegistry.BuiltIn));
        Assert.That(error!.Errors.Select(e => e.Field), Is.SupersetOf(new[] { "metadata.name", "spec.ports[0].port", "spec.ports[1].port", "spec.ports[1].name", "spec.clusterIP" }));
        Assert.That(error.Message, Does.StartWith("Service default/Bad_Name is invalid: "));
        Assert.That(error.Message, Does.Contain("spec.ports[1].port: must be between 1 and 65535"));
    }

    [Test]
    public async Task Objects_over_the_size_limit_are_refused_with_a_limit_error()
    {
        using var store = new ClusterStore(new ClusterStoreOptions { MaxObjectBytes = 4096 });
        var big = Slice with { Endpoints = ValueArray.From(Enumerable.Range(1, 250).Select(i => new Endpoint { Addresses = [$"10.1.0.{i}"] })) };
        var error = Assert.ThrowsAsync<LimitExceededException>(async () => await store.EndpointSlices.CreateAsync(big));
        Assert.That(error!.Maximum, Is.EqualTo(4096));
        Assert.That(error.Actual, Is.GreaterThan(4096));
        Assert.That(error.Message, Does.Contain("object size"));
        await store.EndpointSlices.CreateAsync(Slice);
        Assert.That(store.Revision, Is.EqualTo(1));
    }
}
