using ClusterState.Kinds;
using ClusterState.Model;
using ClusterState.Persistence;

namespace ClusterState.Tests.Persistence;

/// <summary>The binary object format: every field round-trips, and no input can crash the decoder.</summary>
public sealed class ObjectCodecTests
{
    private static byte[] Encode(ClusterObject obj)
    {
        using var encoder = new BinaryEncoder();
        ObjectCodec.Write(encoder, obj, KindRegistry.BuiltIn);
        return encoder.WrittenSpan.ToArray();
    }

    private static ClusterObject Decode(byte[] bytes, bool requireEnd = true)
    {
        var decoder = new BinaryDecoder(bytes, "test");
        var obj = ObjectCodec.Read(ref decoder, KindRegistry.BuiltIn, ObjectCodec.FormatVersion);
        if (requireEnd && !decoder.AtEnd)
        {
            throw decoder.Corrupt("trailing bytes");
        }

        return obj;
    }

    [Test]
    public void The_sample_objects_round_trip()
    {
        foreach (var obj in new ClusterObject[] { Objects.Service(), Objects.Slice(), Objects.Endpoints(), Objects.Policy(), Objects.Config() })
        {
            Assert.That(Decode(Encode(obj)), Is.EqualTo(obj), obj.Kind.ToString());
        }
    }

    [Test]
    public void Objects_with_every_field_set_round_trip()
    {
        for (var seed = 1; seed <= 1000; seed++)
        {
            var obj = new RandomObjects(seed).Any();
            Assert.That(Decode(Encode(obj)), Is.EqualTo(obj), $"seed {seed}");
        }
    }

    [Test]
    public void Random_bytes_fail_only_with_the_typed_error()
    {
        for (var seed = 1; seed <= 5000; seed++)
        {
            var random = new Random(seed);
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            DecodeAllowingOnlyCorruption(bytes, seed);
        }
    }

    [Test]
    public void Mutated_encodings_fail_only_with_the_typed_error()
    {
        for (var seed = 1; seed <= 5000; seed++)
        {
            Mutate(seed);
        }
    }

    private static void Mutate(int seed)
    {
        var random = new Random(seed);
        var bytes = Encode(new RandomObjects(seed).Any());
        switch (random.Next(4))
        {
            case 0:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes = bytes[..random.Next(bytes.Length)];
                break;
            case 2:
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                break;
            default:
                // A huge varint where a count or length is expected.
                var at = random.Next(bytes.Length);
                bytes = [.. bytes[..at], 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, .. bytes[at..]];
                break;
        }

        DecodeAllowingOnlyCorruption(bytes, seed);
    }

    [Test]
    public void A_huge_count_is_refused_before_anything_is_allocated()
    {
        var bytes = Encode(Objects.Config());

        // Kind (length and name), then namespace "" (0), name "default" (7 + 7 bytes), then the labels' count.
        var labelsCount = 1 + System.Text.Encoding.UTF8.GetByteCount(ResourceKind.ClusterNetworkConfig.QualifiedName) + 1 + 1 + 7;
        var patched = bytes[..labelsCount].Concat(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }).Concat(bytes[(labelsCount + 1)..]).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CorruptDataException>(() => Decode(patched));
        Assert.That(error!.Problem, Does.Contain("count"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64 * 1024));
    }

    private static void DecodeAllowingOnlyCorruption(byte[] bytes, int seed)
    {
        try
        {
            Decode(bytes, requireEnd: false);
        }
        catch (Exception ex) when (ex is CorruptDataException or UnknownKindException)
        {
            // The only acceptable failures: damage, or a kind name changed into one the store does not hold (a mutation cannot be told from a kind of another program).
        }
        catch (Exception ex)
        {
            Assert.Fail($"seed {seed}: {ex}");
        }
    }
}
