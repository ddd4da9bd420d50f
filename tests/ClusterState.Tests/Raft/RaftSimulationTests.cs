namespace ClusterState.Tests.Raft;

/// <summary>
/// Hundreds of seeded simulations of 3- and 5-node clusters under loss, duplication, reordering, partitions and
/// crashes: Raft's safety properties hold after every step, and the cluster makes progress once healed. A failure
/// names its seed; replay it with <see cref="RaftSimulation"/>.
/// </summary>
public sealed class RaftSimulationTests
{
    /// <summary>Seeds per cluster size: 150 by default; RAFT_SEEDS raises it for soaks, RAFT_SEED replays one.</summary>
    private static (int First, int Last) SeedRange()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("RAFT_SEED"), out var one))
        {
            return (one, one);
        }

        return (1, int.TryParse(Environment.GetEnvironmentVariable("RAFT_SEEDS"), out var many) ? many : 150);
    }

    [Test]
    public void Safety_holds_and_the_cluster_recovers_across_seeds([Values(3, 5)] int size, [Values(0, 40)] int compactEvery)
    {
        var (first, last) = SeedRange();
        var committed = 0;
        var installed = 0;
        var crashesBeforePersist = 0;
        for (var seed = first; seed <= last; seed++)
        {
            var simulation = new RaftSimulation(seed, size) { CompactEvery = compactEvery };
            simulation.RunChaos(ticks: 1500);
            crashesBeforePersist += simulation.CrashesBeforePersist;
            simulation.CheckProgressAfterHealing();
            committed += simulation.Committed.Count;
            installed += simulation.SnapshotsInstalled;
        }

        Assert.That(committed, Is.GreaterThan((last - first + 1) * 20), "the chaos still let work commit");
        if (last - first >= 20)
        {
            Assert.That(crashesBeforePersist, Is.GreaterThan(0), "leaders crashed between sending appends and persisting them");
        }

        if (compactEvery > 0 && last > first)
        {
            Assert.That(installed, Is.GreaterThan(0), "lagging nodes caught up from snapshots");
        }

        TestContext.Out.WriteLine($"{last - first + 1} seeds of {size} nodes (compaction every {compactEvery}) ran clean; {committed} entries committed, {installed} snapshots installed, {crashesBeforePersist} leader crashes between sending and persisting appends");
    }

    [Test]
    public void Safety_holds_and_the_cluster_recovers_through_membership_changes([Values(3, 5)] int size, [Values(0, 40)] int compactEvery)
    {
        var (first, last) = SeedRange();
        var committed = 0;
        var changes = 0;
        var installed = 0;
        for (var seed = first; seed <= last; seed++)
        {
            // Founding voters 1..size, and two more nodes that start outside the group.
            var simulation = new RaftSimulation(seed, size, pool: size + 2) { CompactEvery = compactEvery, MembershipChangeRate = 0.02 };
            simulation.RunChaos(ticks: 1500);
            simulation.CheckProgressAfterHealing();
            committed += simulation.Committed.Count;
            changes += simulation.MembershipChangesApplied;
            installed += simulation.SnapshotsInstalled;
        }

        Assert.That(committed, Is.GreaterThan((last - first + 1) * 20), "the chaos still let work commit");
        Assert.That(changes, Is.GreaterThan(last - first + 1), "membership changes went through");
        TestContext.Out.WriteLine($"{last - first + 1} seeds of {size}+2 nodes with membership changes (compaction every {compactEvery}) ran clean; {committed} entries committed, {changes} membership changes applied, {installed} snapshots installed");
    }
}
