using BenchmarkDotNet.Attributes;
using ClusterState.Model;
using k8s.Models;

namespace ClusterState.Benchmarks;

/// <summary>
/// Kubernetes JSON: encoding and decoding a two-port Service and a 100-endpoint EndpointSlice with ClusterState's
/// serializer, beside KubernetesClient's own serializer on the equivalent k8s.Models objects in the same run.
/// </summary>
[MemoryDiagnoser]
public class JsonBenchmarks
{
    private Service _service = null!;
    private EndpointSlice _slice = null!;
    private V1Service _clientService = null!;
    private V1EndpointSlice _clientSlice = null!;
    private string _serviceJson = null!;
    private string _sliceJson = null!;

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixtures.Service(7) with { Metadata = Fixtures.Service(7).Metadata with { Uid = Guid.NewGuid(), ResourceVersion = 42, CreationTimestamp = DateTimeOffset.UtcNow } };
        _slice = new EndpointSlice
        {
            Metadata = new() { Namespace = "ns7", Name = "svc-7-abcde", Labels = StringMap.Of((EndpointSlice.ServiceNameLabel, "svc-7")), ResourceVersion = 43 },
            AddressType = AddressType.IPv4,
            Endpoints = ValueArray.From(Enumerable.Range(0, 100).Select(i => new Endpoint
            {
                Addresses = [$"10.244.{i / 250}.{i % 250 + 1}"],
                Conditions = new() { Ready = true, Serving = true, Terminating = false },
                NodeName = "node-" + (i % 10),
                Zone = "zone-" + (i % 3),
                TargetRef = new ObjectReference { Kind = "Pod", Namespace = "ns7", Name = "svc-7-pod-" + i },
            })),
            Ports = [new EndpointPort { Name = "http", Port = 8080 }, new EndpointPort { Name = "https", Port = 8443 }],
        };
        _serviceJson = KubernetesJson.Serialize(_service);
        _sliceJson = KubernetesJson.Serialize(_slice);
        _clientService = k8s.KubernetesJson.Deserialize<V1Service>(_serviceJson);
        _clientSlice = k8s.KubernetesJson.Deserialize<V1EndpointSlice>(_sliceJson);
    }

    [Benchmark(Description = "Service encode: KubernetesClient (peer)")]
    public string ClientServiceEncode() => k8s.KubernetesJson.Serialize(_clientService);

    [Benchmark(Description = "Service encode: ClusterState")]
    public string ServiceEncode() => KubernetesJson.Serialize(_service);

    [Benchmark(Description = "Service decode: KubernetesClient (peer)")]
    public V1Service ClientServiceDecode() => k8s.KubernetesJson.Deserialize<V1Service>(_serviceJson);

    [Benchmark(Description = "Service decode: ClusterState")]
    public ClusterObject ServiceDecode() => KubernetesJson.Deserialize(_serviceJson);

    [Benchmark(Description = "100-endpoint slice encode: KubernetesClient (peer)")]
    public string ClientSliceEncode() => k8s.KubernetesJson.Serialize(_clientSlice);

    [Benchmark(Description = "100-endpoint slice encode: ClusterState")]
    public string SliceEncode() => KubernetesJson.Serialize(_slice);

    [Benchmark(Description = "100-endpoint slice decode: KubernetesClient (peer)")]
    public V1EndpointSlice ClientSliceDecode() => k8s.KubernetesJson.Deserialize<V1EndpointSlice>(_sliceJson);

    [Benchmark(Description = "100-endpoint slice decode: ClusterState")]
    public ClusterObject SliceDecode() => KubernetesJson.Deserialize(_sliceJson);
}
