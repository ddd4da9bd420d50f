using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterState.Kubernetes.Api;

/// <summary>
/// A Kubernetes API endpoint over a store, in process, on loopback by default: discovery (<c>/version</c>,
/// <c>/api</c>, <c>/apis</c>, each group-version's resources), and for every built-in kind the store holds: list
/// (label and field selectors, <c>limit</c>/<c>continue</c> at one revision, <c>resourceVersion</c>), get, watch
/// (<c>?watch=1</c> from a resourceVersion), create, replace (with the resourceVersion as precondition) and delete,
/// at namespaced and cluster paths, with errors as Kubernetes' <c>Status</c>. kubectl and KubernetesClient talk to it
/// as to an API server.
/// </summary>
/// <example>
/// <code>
/// await using var api = await KubernetesApiServer.StartAsync(store);
/// File.WriteAllText("kubeconfig", api.Kubeconfig());   // kubectl --kubeconfig kubeconfig get svc -A
/// </code>
/// </example>
public sealed class KubernetesApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly X509Certificate2? _certificate;

    private readonly string? _token;

    private KubernetesApiServer(WebApplication app, Uri url, X509Certificate2? certificate, string? token)
    {
        _app = app;
        Url = url;
        _certificate = certificate;
        _token = token;
    }

    /// <summary>Where the endpoint listens, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts an endpoint over <paramref name="store"/>; it serves until disposed.</summary>
    public static async Task<KubernetesApiServer> StartAsync(IClusterStore store, KubernetesApiOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new KubernetesApiOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var certificate = options.Certificate;

        // Checked before anything is built: a bad token leaves nothing to clean up.
        var tokenCheck = options.BearerToken is { } token ? BearerTokenCheck.Create(token) : null;
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(options.Address, options.Port, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        if (tokenCheck is not null)
        {
            app.Use(tokenCheck);
        }

        var handlers = new ApiHandlers(store, options);
        handlers.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KubernetesApiServer(app, new Uri(address.EndsWith('/') ? address : address + "/"), certificate, options.BearerToken);
    }

    /// <summary>
    /// A self-signed certificate for <c>127.0.0.1</c>, <c>::1</c> and <c>localhost</c> (an ECDSA P-256 key, valid
    /// for <paramref name="validity"/>, a year by default), for <see cref="KubernetesApiOptions.Certificate"/>: the
    /// <see cref="Kubeconfig"/> of an endpoint serving it trusts it.
    /// </summary>
    public static X509Certificate2 CreateLoopbackCertificate(TimeSpan? validity = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=clusterstate-loopback", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now + (validity ?? TimeSpan.FromDays(365)));
    }

    /// <summary>
    /// A kubeconfig that points kubectl at this endpoint (context <c>clusterstate</c>): with TLS, it trusts the
    /// endpoint's certificate (as its certificate authority); with a bearer token, it sends it.
    /// </summary>
    public string Kubeconfig(string defaultNamespace = "default") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: clusterstate
          cluster:
            server: {Url.ToString().TrimEnd('/')}{(_certificate is null ? string.Empty : "\n    certificate-authority-data: " + Convert.ToBase64String(Encoding.ASCII.GetBytes(_certificate.ExportCertificatePem())))}
        users:
        - name: clusterstate
          user: {(_token is null ? "{}" : "{token: \"" + System.Text.Json.JsonEncodedText.Encode(_token) + "\"}")}
        contexts:
        - name: clusterstate
          context:
            cluster: clusterstate
            user: clusterstate
            namespace: {defaultNamespace}
        current-context: clusterstate
        """;

    /// <summary>Stops serving: open watches end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Where and how a <see cref="KubernetesApiServer"/> listens.</summary>
public sealed class KubernetesApiOptions
{
    /// <summary>The address to listen on: loopback by default.</summary>
    public System.Net.IPAddress Address { get; set; } = System.Net.IPAddress.Loopback;

    /// <summary>The port; 0 (the default) picks a free one (see <see cref="KubernetesApiServer.Url"/>).</summary>
    public int Port { get; set; }

    /// <summary>The version <c>/version</c> reports (kubectl compares it with its own).</summary>
    public string GitVersion { get; set; } = "v1.33.0-clusterstate";

    /// <summary>
    /// Serves HTTPS with this certificate (which must hold its private key) instead of plain HTTP; null (the default):
    /// HTTP. <see cref="KubernetesApiServer.CreateLoopbackCertificate"/> makes one for loopback.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// When set, every request must carry <c>Authorization: Bearer &lt;token&gt;</c>; others are answered 401
    /// Unauthorized, as the API server answers them. Null (the default): no authentication.
    /// </summary>
    public string? BearerToken { get; set; }
}
