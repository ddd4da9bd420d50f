using ClusterState.Kubernetes;
using ClusterState.Model;
using k8s.Models;

namespace ClusterState.Tests.Serialization;

/// <summary>KubernetesClient's models to and from ClusterState's objects, for every kind both have.</summary>
public sealed class ClientModelTests
{
    [Test]
    public async Task Every_shared_kind_converts_both_ways_without_losing_a_field()
    {
        using var store = new ClusterStore();
        ClusterObject[] samples = [Objects.Service(), Objects.Slice(), Objects.Endpoints(), Objects.Policy(), Objects.Namespace(), Objects.Pod(), Objects.Node(), Objects.ServiceCidr(), Objects.IPAddress()];
        await store.Transaction().Then(samples.Select(TxnOperation.Create)).CommitAsync();
        foreach (var sample in samples)
        {
            var stored = store.Get(sample.Kind, sample.Metadata.Namespace, sample.Metadata.Name)!;
            var json = KubernetesJson.Serialize(stored);
            var model = sample switch
            {
                Service => (k8s.IKubernetesObject)ClientModels.ToClient<V1Service>(stored),
                EndpointSlice => ClientModels.ToClient<V1EndpointSlice>(stored),
                Endpoints => ClientModels.ToClient<V1Endpoints>(stored),
                NetworkPolicy => ClientModels.ToClient<V1NetworkPolicy>(stored),
                Namespace => ClientModels.ToClient<V1Namespace>(stored),
                Pod => ClientModels.ToClient<V1Pod>(stored),
                Node => ClientModels.ToClient<V1Node>(stored),
                ServiceCIDR => ClientModels.ToClient<V1ServiceCIDR>(stored),
                _ => ClientModels.ToClient<V1IPAddress>(stored),
            };

            Assert.That(model.Kind, Is.EqualTo(sample.Kind.Name));
            Assert.That(model.ApiVersion, Is.EqualTo(sample.Kind.ApiVersion));
            var back = ClientModels.FromClient(model);
            Assert.That(KubernetesJson.Serialize(back), Is.EqualTo(json), $"{sample.Kind.Name}: every field survives KubernetesClient's model");
        }
    }

    [Test]
    public void A_model_built_with_kubernetes_client_reads_as_ours()
    {
        var model = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop", Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1ServiceSpec
            {
                ClusterIP = "10.96.0.10",
                Selector = new Dictionary<string, string> { ["app"] = "web" },
                Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http", Protocol = "TCP" }],
            },
        };
        var service = ClientModels.FromClient<Service>(model);
        Assert.That(service.Metadata.Namespace, Is.EqualTo("shop"));
        Assert.That(service.Spec.Ports[0].TargetPort, Is.EqualTo(ClusterState.Model.IntOrString.FromName("http")));
        Assert.That(ClientModels.ToClient<V1Service>(service).Spec.Ports[0].TargetPort.Value, Is.EqualTo("http"));
    }
}
