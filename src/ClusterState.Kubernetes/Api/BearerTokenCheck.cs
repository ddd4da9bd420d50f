using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ClusterState.Kubernetes.Api;

/// <summary>
/// Lets through only requests that carry the endpoint's bearer token (compared in constant time); answers the others
/// 401 with Kubernetes' <c>Status</c> (reason <c>Unauthorized</c>), as the API server does.
/// </summary>
internal static class BearerTokenCheck
{
    public static Func<HttpContext, RequestDelegate, Task> Create(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        if (token.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException("KubernetesApiOptions.BearerToken must be visible ASCII (no spaces or control characters): it travels in an HTTP header.", nameof(token));
        }

        var expected = Encoding.UTF8.GetBytes("Bearer " + token);
        return (context, next) =>
        {
            var given = context.Request.Headers.Authorization.ToString();
            if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected))
            {
                return next(context);
            }

            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            var status = new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = "Unauthorized",
                ["reason"] = "Unauthorized",
                ["code"] = 401,
            };
            return context.Response.WriteAsync(status.ToJsonString(), context.RequestAborted);
        };
    }
}
