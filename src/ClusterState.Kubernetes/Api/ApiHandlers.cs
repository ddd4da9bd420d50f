using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterState.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClusterState.Kubernetes.Api;

/// <summary>The routes of the Kubernetes API over one store.</summary>
internal sealed class ApiHandlers(IClusterStore store, KubernetesApiOptions options)
{
    private const string JsonType = "application/json";

    /// <summary>The built-in kinds the store holds, the only ones with Kubernetes JSON.</summary>
    private readonly ResourceKind[] _kinds = [.. store.Kinds.Where(KubernetesJson.Supports)];

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/version", context => Json(context, 200, new JsonObject
        {
            ["major"] = "1",
            ["minor"] = "33",
            ["gitVersion"] = options.GitVersion,
            ["platform"] = "clusterstate",
        }));
        app.MapGet("/api", context => Json(context, 200, new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = context.Request.Host.Value }),
        }));
        app.MapGet("/apis", context => Json(context, 200, Groups()));
        app.MapGet("/api/v1", context => Json(context, 200, Resources("v1")));
        app.MapGet("/apis/{group}/{version}", context => Json(context, 200, Resources($"{Route(context, "group")}/{Route(context, "version")}")));

        app.Map("/api/v1/namespaces/{ns}/{plural}/{name}/status", context => ServeStatus(context, "v1", Route(context, "ns"), Route(context, "plural"), Route(context, "name")));
        app.Map("/api/v1/{plural}/{name}/status", context => ServeStatus(context, "v1", null, Route(context, "plural"), Route(context, "name")));
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}/status", context => ServeStatus(context, $"{Route(context, "group")}/{Route(context, "version")}", Route(context, "ns"), Route(context, "plural"), Route(context, "name")));
        app.Map("/apis/{group}/{version}/{plural}/{name}/status", context => ServeStatus(context, $"{Route(context, "group")}/{Route(context, "version")}", null, Route(context, "plural"), Route(context, "name")));
        app.Map("/api/v1/namespaces/{ns}/{plural}/{name?}", context => Serve(context, "v1", Route(context, "ns"), Route(context, "plural"), Optional(context, "name")));
        app.Map("/api/v1/{plural}/{name?}", context => Serve(context, "v1", null, Route(context, "plural"), Optional(context, "name")));
        app.Map("/apis/{group}/{version}/namespaces/{ns}/{plural}/{name?}", context => Serve(context, $"{Route(context, "group")}/{Route(context, "version")}", Route(context, "ns"), Route(context, "plural"), Optional(context, "name")));
        app.Map("/apis/{group}/{version}/{plural}/{name?}", context => Serve(context, $"{Route(context, "group")}/{Route(context, "version")}", null, Route(context, "plural"), Optional(context, "name")));
    }

    private static string Route(HttpContext context, string key) => (string)context.GetRouteValue(key)!;

    private static string? Optional(HttpContext context, string key) => context.GetRouteValue(key) as string;

    private JsonObject Groups()
    {
        var groups = new JsonArray();
        foreach (var group in _kinds.Where(k => k.Group.Length > 0).GroupBy(k => k.Group))
        {
            var versions = new JsonArray();
            foreach (var version in group.Select(k => k.Version).Distinct())
            {
                versions.Add(new JsonObject { ["groupVersion"] = $"{group.Key}/{version}", ["version"] = version });
            }

            groups.Add(new JsonObject { ["name"] = group.Key, ["versions"] = versions, ["preferredVersion"] = versions[0]!.DeepClone() });
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private JsonObject Resources(string groupVersion)
    {
        var resources = new JsonArray();
        foreach (var kind in _kinds.Where(k => k.ApiVersion == groupVersion))
        {
            resources.Add(new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Name.ToLowerInvariant(),
                ["namespaced"] = kind.IsNamespaced,
                ["kind"] = kind.Name,
                ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
            });
        }

        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = resources };
    }

    private async Task Serve(HttpContext context, string groupVersion, string? ns, string plural, string? name)
    {
        var kind = _kinds.FirstOrDefault(k => k.ApiVersion == groupVersion && k.Plural == plural);
        if (kind is null || (ns is not null && !kind.IsNamespaced))
        {
            await Status(context, 404, "NotFound", $"the server could not find the requested resource ({groupVersion} {plural})").ConfigureAwait(false);
            return;
        }

        await Guarded(context, kind, name, async () =>
        {
            switch (context.Request.Method)
            {
                case "GET" when name is null && IsWatch(context.Request):
                    await Watch(context, kind, ns).ConfigureAwait(false);
                    break;
                case "GET" when name is null:
                    await List(context, kind, ns).ConfigureAwait(false);
                    break;
                case "GET":
                    var found = store.Get(kind, ns ?? string.Empty, name);
                    await (found is null ? NotFound(context, kind, name) : Object(context, 200, found)).ConfigureAwait(false);
                    break;
                case "POST" when name is null:
                    var created = await Body(context, kind, ns, null).ConfigureAwait(false);
                    var result = await store.Transaction().Then(TxnOperation.Create(created)).CommitAsync(context.RequestAborted).ConfigureAwait(false);
                    await Object(context, 201, result.Results[0]!).ConfigureAwait(false);
                    break;
                case "PUT" when name is not null:
                    var replacement = await Body(context, kind, ns, name).ConfigureAwait(false);
                    // As the API server: an update that changes nothing writes nothing (no new resourceVersion, no watch event).
                    var operation = (replacement.Metadata.ResourceVersion > 0 ? TxnOperation.Update(replacement) : TxnOperation.UpdateUnconditionally(replacement)).OnlyIfChanged();
                    var updated = await store.Transaction().Then(operation).CommitAsync(context.RequestAborted).ConfigureAwait(false);
                    await Object(context, 200, updated.Results[0]!).ConfigureAwait(false);
                    break;
                case "PATCH" when name is not null:
                    await Patch(context, kind, ns ?? string.Empty, name).ConfigureAwait(false);
                    break;
                case "DELETE" when name is not null:
                    await Delete(context, kind, ns ?? string.Empty, name).ConfigureAwait(false);
                    break;
                default:
                    await Status(context, 405, "MethodNotAllowed", $"{context.Request.Method} is not supported on this path").ConfigureAwait(false);
                    break;
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Runs a request, answering the store's errors as Kubernetes' <c>Status</c> with its reasons and codes.</summary>
    private static async Task Guarded(HttpContext context, ResourceKind kind, string? name, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (NotFoundException ex)
        {
            await NotFound(context, kind, ex.Name).ConfigureAwait(false);
        }
        catch (AlreadyExistsException ex)
        {
            await Status(context, 409, "AlreadyExists", $"{kind.Plural} \"{ex.Name}\" already exists", kind, ex.Name).ConfigureAwait(false);
        }
        catch (ConflictException ex)
        {
            await Status(context, 409, "Conflict", $"Operation cannot be fulfilled on {kind.Plural} \"{ex.Name}\": the object has been modified; please apply your changes to the latest version and try again", kind, ex.Name).ConfigureAwait(false);
        }
        catch (ValidationException ex)
        {
            await Status(context, 422, "Invalid", $"{kind.Name} \"{name}\" is invalid: {string.Join(", ", ex.Errors)}", kind, name, ex.Errors).ConfigureAwait(false);
        }
        catch (RevisionCompactedException ex)
        {
            await Status(context, 410, "Expired", $"too old resource version: {ex.RequestedRevision} ({ex.CompactedRevision})").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or UnknownKindException)
        {
            await Status(context, 400, "BadRequest", ex.Message).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A JSON merge patch, JSON patch or (on the built-in kinds) strategic merge patch on the stored object, written
    /// back with its resourceVersion as the precondition (so a concurrent write makes it start again on the new
    /// version). A strategic merge patch on a registered kind is refused with 415, as the API server refuses it for
    /// custom resources.
    /// </summary>
    private async Task Patch(HttpContext context, ResourceKind kind, string ns, string name)
    {
        var type = context.Request.ContentType?.Split(';')[0].Trim();
        var supported = type is "application/merge-patch+json" or "application/json-patch+json"
            || (type == "application/strategic-merge-patch+json" && StrategicMergePatch.Supports(kind));
        if (!supported)
        {
            await Status(context, 415, "UnsupportedMediaType", $"the patch type {type} is not supported for {kind.Plural}: use merge (application/merge-patch+json), json (application/json-patch+json) or, on the built-in kinds, strategic (application/strategic-merge-patch+json)").ConfigureAwait(false);
            return;
        }

        var patch = JsonNode.Parse(await ReadBody(context).ConfigureAwait(false));
        for (var attempt = 0; ; attempt++)
        {
            var current = store.Get(kind, ns, name);
            if (current is null)
            {
                await NotFound(context, kind, name).ConfigureAwait(false);
                return;
            }

            var document = JsonNode.Parse(KubernetesJson.Serialize(current))!;
            var patched = type switch
            {
                "application/merge-patch+json" => JsonPatches.Merge(document, patch),
                "application/strategic-merge-patch+json" => StrategicMergePatch.Apply(kind, document.AsObject(), patch),
                _ => JsonPatches.Apply(document, patch as JsonArray ?? throw new JsonException("A JSON patch is a list of operations.")),
            };
            var obj = KubernetesJson.Deserialize(patched!.ToJsonString());
            if (obj.Kind != kind || obj.Metadata.Name != name || obj.Metadata.Namespace != ns)
            {
                throw new ArgumentException("a patch cannot change an object's kind, name or namespace");
            }

            // The stored version is the precondition (unless the patch set its own resourceVersion, which then must match).
            var expected = obj.Metadata.ResourceVersion > 0 ? obj.Metadata.ResourceVersion : current.Metadata.ResourceVersion;
            try
            {
                var result = await store.Transaction().Then(TxnOperation.Update(obj with { Metadata = obj.Metadata with { ResourceVersion = expected } }).OnlyIfChanged()).CommitAsync(context.RequestAborted).ConfigureAwait(false);
                await Object(context, 200, result.Results[0]!).ConfigureAwait(false);
                return;
            }
            catch (ConflictException) when (attempt < 5 && obj.Metadata.ResourceVersion == current.Metadata.ResourceVersion && store.Get(kind, ns, name)?.Metadata.ResourceVersion != expected)
            {
                // Someone wrote in between and the patch did not ask for a version: patch the new one.
            }
        }
    }

    /// <summary>
    /// The <c>status</c> subresource: GET reads the object; PUT and PATCH change only its <c>status</c> (the stored
    /// spec and metadata are kept, as the API server does), with the stored version as the precondition.
    /// </summary>
    private async Task ServeStatus(HttpContext context, string groupVersion, string? ns, string plural, string name)
    {
        var kind = _kinds.FirstOrDefault(k => k.ApiVersion == groupVersion && k.Plural == plural);
        var current = kind is null ? null : store.Get(kind, ns ?? string.Empty, name);
        if (kind is null || current is null)
        {
            await Status(context, 404, "NotFound", $"{plural} \"{name}\" not found").ConfigureAwait(false);
            return;
        }

        var stored = JsonNode.Parse(KubernetesJson.Serialize(current))!.AsObject();
        if (current.GetType().GetProperty("Status") is null)
        {
            await Status(context, 404, "NotFound", $"{plural} have no status subresource").ConfigureAwait(false);
            return;
        }

        await Guarded(context, kind, name, async () =>
        {
            JsonNode? status;
            switch (context.Request.Method)
            {
                case "GET":
                    await Object(context, 200, current).ConfigureAwait(false);
                    return;
                case "PUT":
                    status = JsonNode.Parse(await ReadBody(context).ConfigureAwait(false))?["status"]?.DeepClone();
                    break;
                case "PATCH" when context.Request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) == true:
                    status = JsonPatches.Merge(stored.DeepClone(), JsonNode.Parse(await ReadBody(context).ConfigureAwait(false)))?["status"]?.DeepClone();
                    break;
                default:
                    await Status(context, 415, "UnsupportedMediaType", "the status subresource takes PUT and merge PATCH").ConfigureAwait(false);
                    return;
            }

            stored["status"] = status;
            var obj = KubernetesJson.Deserialize(stored.ToJsonString());
            var result = await store.Transaction().Then(TxnOperation.Update(obj).OnlyIfChanged()).CommitAsync(context.RequestAborted).ConfigureAwait(false);
            await Object(context, 200, result.Results[0]!).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes an object, honouring the preconditions of a <c>DeleteOptions</c> body (<c>resourceVersion</c>,
    /// <c>uid</c>): one the stored object does not meet answers 409 Conflict and deletes nothing. The transaction
    /// gives the deleted object's last state, as the API server returns it.
    /// </summary>
    private async Task Delete(HttpContext context, ResourceKind kind, string ns, string name)
    {
        long? expected = null;
        string? uid = null;
        var body = await ReadBody(context).ConfigureAwait(false);
        if (body.Length > 0 && JsonNode.Parse(body) is JsonObject deleteOptions && deleteOptions["preconditions"] is JsonObject preconditions)
        {
            if (preconditions["resourceVersion"] is { } rv)
            {
                expected = long.TryParse(rv.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
                    ? version
                    : throw new ArgumentException($"preconditions.resourceVersion: Invalid value: \"{rv}\": not a resourceVersion");
            }

            uid = preconditions["uid"]?.GetValue<string>();
        }

        if (uid is not null)
        {
            var current = store.Get(kind, ns, name);
            if (current is null)
            {
                await NotFound(context, kind, name).ConfigureAwait(false);
                return;
            }

            var stored = current.Metadata.Uid.ToString();
            if (!string.Equals(uid, stored, StringComparison.OrdinalIgnoreCase))
            {
                await Status(context, 409, "Conflict", $"Precondition failed: UID in precondition: {uid}, UID in object meta: {stored}", kind, name).ConfigureAwait(false);
                return;
            }

            // The uid held when read: deleting that version only, so a re-created object is not deleted instead.
            expected ??= current.Metadata.ResourceVersion;
        }

        var deleted = await store.Transaction().Then(TxnOperation.Delete(kind, ns, name, expected)).CommitAsync(context.RequestAborted).ConfigureAwait(false);
        await Object(context, 200, deleted.Results[0]!).ConfigureAwait(false);
    }

    /// <summary>
    /// The revision a list reads at, from <c>resourceVersion</c> and <c>resourceVersionMatch</c> as Kubernetes reads
    /// them: unset or <c>0</c>, the latest; <c>NotOlderThan</c> (or a version without a match, as older clients send
    /// it), the latest, which is not older; <c>Exact</c>, that revision (410 once compacted). A version newer than
    /// the store's answers 504 as the API server does ("Too large resource version").
    /// </summary>
    /// <exception cref="ArgumentException">The combination is not one Kubernetes accepts.</exception>
    private long? ListRevision(IQueryCollection query, out string? tooLarge)
    {
        tooLarge = null;
        var given = query["resourceVersion"].ToString();
        var match = query["resourceVersionMatch"].ToString();
        long version = 0;
        if (given.Length > 0 && !long.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            throw new ArgumentException($"resourceVersion: Invalid value: \"{given}\": must be a resourceVersion");
        }

        if (match.Length > 0)
        {
            if (given.Length == 0)
            {
                throw new ArgumentException("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
            }

            if (query["continue"].ToString().Length > 0)
            {
                throw new ArgumentException("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided");
            }

            if (match is not ("Exact" or "NotOlderThan"))
            {
                throw new ArgumentException($"resourceVersionMatch: Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\"");
            }

            if (match == "Exact" && version == 0)
            {
                throw new ArgumentException("resourceVersionMatch: Forbidden: resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
            }
        }

        if (version > store.Revision)
        {
            tooLarge = $"Too large resource version: {version}, current: {store.Revision}";
            return null;
        }

        return match == "Exact" ? version : null;
    }

    /// <summary>Recently sent objects' JSON, shared by the watches of this endpoint.</summary>
    private readonly EncodedObjectCache _encoded = new();

    private static void Write(System.IO.Pipelines.PipeWriter writer, string text)
    {
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        writer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static bool IsWatch(HttpRequest request) => request.Query["watch"].ToString() is "1" or "true";

    private async Task List(HttpContext context, ResourceKind kind, string? ns)
    {
        var query = context.Request.Query;
        var (labels, fields) = Selectors(query);
        var revision = ListRevision(query, out var tooLarge);
        if (tooLarge is not null)
        {
            context.Response.Headers.RetryAfter = "1";
            await Status(context, 504, "Timeout", tooLarge).ConfigureAwait(false);
            return;
        }

        var listOptions = new ListOptions
        {
            Namespace = ns,
            LabelSelector = labels,
            FieldSelector = fields,
            Limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0 ? limit : null,
            Continue = query["continue"] is { Count: > 0 } token && token.ToString().Length > 0 ? token.ToString() : null,
            Revision = revision,
        };
        var list = store.List(kind, listOptions);
        var metadata = new JsonObject { ["resourceVersion"] = list.Revision.ToString(CultureInfo.InvariantCulture) };
        if (list.Continue is { } next)
        {
            metadata["continue"] = next;
        }

        if (list.RemainingItemCount is { } remaining)
        {
            metadata["remainingItemCount"] = remaining;
        }

        // Each item is written as the serializer gives it, not parsed again into a document.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", kind.Name + "List");
            writer.WriteString("apiVersion", kind.ApiVersion);
            writer.WritePropertyName("metadata");
            metadata.WriteTo(writer);
            writer.WriteStartArray("items");
            foreach (var item in list.Items)
            {
                writer.WriteRawValue(KubernetesJson.Serialize(item), skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = JsonType;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task Watch(HttpContext context, ResourceKind kind, string? ns)
    {
        var query = context.Request.Query;
        long? start = long.TryParse(query["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var rv) && rv > 0 ? rv + 1 : null;
        var (labels, fields) = Selectors(query);
        var watchOptions = new WatchOptions
        {
            Kinds = [kind],
            Namespace = ns,
            StartRevision = start,
            LabelSelector = labels,
            FieldSelector = fields,
            ProgressNotifications = query["allowWatchBookmarks"].ToString() is "true" or "1",
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = JsonType;
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);

        // The headers go now: a client waits for them before it reads events, which may be long in coming.
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            // Opened once the stream has started: a compacted start revision is answered as the API server answers
            // it, with an ERROR event carrying 410 Expired, which clients take as "list again".
            await foreach (var e in store.WatchAsync(watchOptions, context.RequestAborted).ConfigureAwait(false))
            {
                var body = context.Response.BodyWriter;
                if (e.Type == WatchEventType.Bookmark)
                {
                    // As Kubernetes sends a bookmark: the kind and the revision the watch has reached, nothing else.
                    Write(body, $"{{\"type\":\"BOOKMARK\",\"object\":{{\"kind\":\"{kind.Name}\",\"apiVersion\":\"{kind.ApiVersion}\",\"metadata\":{{\"resourceVersion\":\"{e.Revision.ToString(CultureInfo.InvariantCulture)}\"}}}}}}\n");
                }
                else if (e.Object is not null)
                {
                    // The object's JSON is encoded once for every watcher that receives the event.
                    Write(body, $"{{\"type\":\"{Event(e.Type)}\",\"object\":");
                    body.Write<byte>(_encoded.Get(e.Object));
                    Write(body, "}\n");
                }
                else
                {
                    continue;
                }

                await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        catch (RevisionCompactedException ex)
        {
            var status = StatusBody(410, "Expired", $"too old resource version: {ex.RequestedRevision} ({ex.CompactedRevision})", null, null, null);
            await context.Response.WriteAsync($"{{\"type\":\"ERROR\",\"object\":{status.ToJsonString()}}}\n", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<ClusterObject> Body(HttpContext context, ResourceKind kind, string? ns, string? name)
    {
        // As the API server does, a body that leaves out apiVersion and kind is of the path's kind.
        var node = JsonNode.Parse(await ReadBody(context).ConfigureAwait(false)) as JsonObject ?? throw new JsonException("The body is not a JSON object.");
        node["apiVersion"] ??= kind.ApiVersion;
        node["kind"] ??= kind.Name;
        var obj = KubernetesJson.Deserialize(node.ToJsonString());
        if (obj.Kind != kind)
        {
            throw new ArgumentException($"the body is a {obj.Kind.Name}, not a {kind.Name}");
        }

        var meta = obj.Metadata;
        if (ns is not null && meta.Namespace.Length > 0 && meta.Namespace != ns)
        {
            throw new ArgumentException($"the namespace of the provided object ({meta.Namespace}) does not match the namespace sent on the request ({ns})");
        }

        if (name is not null && meta.Name != name)
        {
            throw new ArgumentException($"the name of the object ({meta.Name}) does not match the name on the URL ({name})");
        }

        return ns is null ? obj : obj with { Metadata = meta with { Namespace = ns } };
    }

    private static string Event(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        _ => "DELETED",
    };

    private static async Task<byte[]> ReadBody(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>The <c>labelSelector</c> and <c>fieldSelector</c> of a list or watch request (absent or empty: none).</summary>
    private static (LabelSelector? Labels, FieldSelector? Fields) Selectors(IQueryCollection query)
    {
        var labels = query["labelSelector"].ToString();
        var fields = query["fieldSelector"].ToString();
        return (labels.Length > 0 ? LabelSelector.Parse(labels) : null, fields.Length > 0 ? FieldSelector.Parse(fields) : null);
    }

    private static Task Object(HttpContext context, int code, ClusterObject obj)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = JsonType;
        return context.Response.WriteAsync(KubernetesJson.Serialize(obj), context.RequestAborted);
    }

    private static Task NotFound(HttpContext context, ResourceKind kind, string name) =>
        Status(context, 404, "NotFound", $"{kind.Plural} \"{name}\" not found", kind, name);

    private static Task Status(HttpContext context, int code, string reason, string message, ResourceKind? kind = null, string? name = null, IReadOnlyList<ValidationError>? causes = null) =>
        Json(context, code, StatusBody(code, reason, message, kind, name, causes));

    private static JsonObject StatusBody(int code, string reason, string message, ResourceKind? kind, string? name, IReadOnlyList<ValidationError>? causes)
    {
        var details = new JsonObject();
        if (name is not null)
        {
            details["name"] = name;
        }

        if (kind is not null)
        {
            details["group"] = kind.Group;
            details["kind"] = kind.Plural;
        }

        if (causes is not null)
        {
            details["causes"] = new JsonArray([.. causes.Select(c => (JsonNode)new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = c.Message, ["field"] = c.Field })]);
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["details"] = details,
            ["code"] = code,
        };
    }

    private static Task Json(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = JsonType;
        return context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }
}
