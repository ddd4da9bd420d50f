using ClusterState.Model;

namespace ClusterState.Tests.Mvcc;

/// <summary>The read-modify-write helpers: retry on conflict, update only on change, create or update, wait.</summary>
public sealed class CollectionHelperTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Update_with_a_mutation_retries_a_conflict_on_fresh_data_and_writes_nothing_when_nothing_changes()
    {
        using var store = new ClusterStore();
        await store.Services.CreateAsync(Objects.Service());
        var attempts = 0;
        var updated = await store.Services.UpdateAsync("default", "web", s =>
        {
            // The first attempt races a writer: its write conflicts, and the second attempt sees the other write.
            if (++attempts == 1)
            {
                store.Services.UpdateAsync(s with { Metadata = s.Metadata with { Labels = StringMap.Of(("other", "1")) } }).AsTask().Wait();
            }

            return s with { Metadata = s.Metadata with { Labels = s.Metadata.Labels.SetItem("mine", "1") } };
        });
        Assert.That(attempts, Is.EqualTo(2));
        Assert.That(updated.Metadata.Labels, Is.EqualTo(StringMap.Of(("mine", "1"), ("other", "1"))), "the retry built on the other writer's change");

        var revision = store.Revision;
        var same = await store.Services.UpdateAsync("default", "web", s => s with { Metadata = s.Metadata with { Labels = StringMap.Of(("other", "1"), ("mine", "1")) } });
        var skipped = await store.Services.UpdateAsync("default", "web", _ => null);
        Assert.That(store.Revision, Is.EqualTo(revision), "an update that changes nothing writes nothing");
        Assert.That(same, Is.EqualTo(updated));
        Assert.That(skipped, Is.EqualTo(updated));
        Assert.ThrowsAsync<NotFoundException>(async () => await store.Services.UpdateAsync("default", "missing", s => s));
    }

    [Test]
    public async Task Retry_on_conflict_gives_up_after_the_attempts_it_was_given_and_passes_other_errors_at_once()
    {
        var calls = 0;
        Assert.ThrowsAsync<ConflictException>(async () => await ResourceCollectionExtensions.RetryOnConflictAsync<int>(_ =>
        {
            calls++;
            throw new ConflictException(ResourceKind.Of<Service>(), "default", "web", 1, 2);
        }, maxAttempts: 3));
        Assert.That(calls, Is.EqualTo(3));

        calls = 0;
        Assert.ThrowsAsync<NotFoundException>(async () => await ResourceCollectionExtensions.RetryOnConflictAsync<int>(_ =>
        {
            calls++;
            throw new NotFoundException(ResourceKind.Of<Service>(), "default", "web");
        }));
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(await ResourceCollectionExtensions.RetryOnConflictAsync(_ => ValueTask.FromResult(7)), Is.EqualTo(7));
    }

    [Test]
    public async Task Create_or_update_creates_then_updates_then_leaves_an_equal_object_alone()
    {
        using var store = new ClusterStore();
        var desired = Objects.Service() with { Metadata = new() { Namespace = "default", Name = "web", Labels = StringMap.Of(("app", "web")) } };
        var (created, first) = await store.Services.CreateOrUpdateAsync(desired);
        Assert.That(first, Is.EqualTo(CreateOrUpdateOutcome.Created));

        var changed = desired with { Spec = desired.Spec with { SessionAffinity = SessionAffinity.ClientIP } };
        var (updated, second) = await store.Services.CreateOrUpdateAsync(changed);
        Assert.That(second, Is.EqualTo(CreateOrUpdateOutcome.Updated));
        Assert.That(updated.Metadata.Uid, Is.EqualTo(created.Metadata.Uid), "the existing object was updated, not replaced");
        Assert.That(updated.Spec.SessionAffinity, Is.EqualTo(SessionAffinity.ClientIP));

        var revision = store.Revision;
        var (unchanged, third) = await store.Services.CreateOrUpdateAsync(changed);
        Assert.That(third, Is.EqualTo(CreateOrUpdateOutcome.Unchanged));
        Assert.That(unchanged, Is.EqualTo(updated));
        Assert.That(store.Revision, Is.EqualTo(revision));

        // A merge of one's own: keep a field another writer owns.
        var (merged, fourth) = await store.Services.CreateOrUpdateAsync(
            desired with { Metadata = desired.Metadata with { Labels = StringMap.Of(("app", "web"), ("tier", "front")) } },
            (existing, wanted) => wanted with { Metadata = existing.Metadata with { Labels = wanted.Metadata.Labels }, Spec = wanted.Spec with { SessionAffinity = existing.Spec.SessionAffinity } });
        Assert.That(fourth, Is.EqualTo(CreateOrUpdateOutcome.Updated));
        Assert.That(merged.Spec.SessionAffinity, Is.EqualTo(SessionAffinity.ClientIP));
        Assert.That(merged.Metadata.Labels["tier"], Is.EqualTo("front"));
    }

    [Test]
    public async Task Create_or_update_from_many_writers_at_once_creates_once_and_every_call_succeeds()
    {
        using var store = new ClusterStore();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            (await store.Services.CreateOrUpdateAsync(Objects.Service() with
            {
                Metadata = new() { Namespace = "default", Name = "web", Labels = StringMap.Of(("writer", (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture))) },
            })).Outcome)));
        Assert.That(outcomes.Count(o => o == CreateOrUpdateOutcome.Created), Is.EqualTo(1));
        Assert.That(store.Services.Get("default", "web")!.Metadata.Version, Is.LessThanOrEqualTo(16));
    }

    [Test]
    public async Task Wait_for_an_object_returns_when_its_condition_holds_including_for_its_absence()
    {
        using var store = new ClusterStore();
        using var timeout = new CancellationTokenSource(Patience);
        var waitCreated = store.Services.WaitForAsync("default", "web", s => s?.Metadata.Labels.ContainsKey("ready") == true, timeout.Token);
        var web = await store.Services.CreateAsync(Objects.Service());
        Assert.That(waitCreated.IsCompleted, Is.False);
        await store.Services.UpdateAsync(web with { Metadata = web.Metadata with { Labels = StringMap.Of(("ready", "yes")) } });
        var seen = await waitCreated.WaitAsync(Patience);
        Assert.That(seen!.Metadata.Labels["ready"], Is.EqualTo("yes"));

        var waitGone = store.Services.WaitForAsync("default", "web", s => s is null, timeout.Token);
        await store.Services.DeleteAsync("default", "web");
        Assert.That(await waitGone.WaitAsync(Patience), Is.Null);

        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.CatchAsync<OperationCanceledException>(async () => await store.Services.WaitForAsync("default", "never", s => s is not null, soon.Token));
    }

    [Test]
    public async Task Wait_until_the_store_satisfies_a_condition()
    {
        using var store = new ClusterStore();
        using var timeout = new CancellationTokenSource(Patience);
        var wait = store.WaitUntilAsync(s => s.Services.List().Items.Count == 3, timeout.Token);
        for (var i = 0; i < 3; i++)
        {
            Assert.That(wait.IsCompleted, Is.False);
            await store.Services.CreateAsync(Objects.Service($"s{i}", clusterIP: $"10.96.0.{i + 1}"));
        }

        await wait.WaitAsync(Patience);
    }
}
