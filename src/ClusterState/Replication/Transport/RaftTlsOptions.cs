using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ClusterState;

/// <summary>
/// TLS with mutual authentication for a <see cref="TcpRaftTransport"/>: every peer presents
/// <see cref="Certificate"/> both when it accepts and when it connects, and checks the other end's.
/// </summary>
public sealed class RaftTlsOptions
{
    /// <summary>This peer's certificate, with its private key.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>
    /// Decides whether the other end's certificate is acceptable. Default (null): it must validate against the
    /// machine's trusted roots for <see cref="TargetHost"/> (no <see cref="SslPolicyErrors"/>). Pin certificates or
    /// a private CA here.
    /// </summary>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? ValidatePeerCertificate { get; init; }

    /// <summary>The name a connecting peer expects in the other's certificate. Default: "clusterstate".</summary>
    public string TargetHost { get; init; } = "clusterstate";

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Certificate, nameof(Certificate));
        if (!Certificate.HasPrivateKey)
        {
            throw new ArgumentException("The certificate must carry its private key.", nameof(Certificate));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(TargetHost, nameof(TargetHost));
    }

    internal bool Accept(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        return ValidatePeerCertificate is { } validate
            ? validate(certificate as X509Certificate2 ?? new X509Certificate2(certificate), chain, errors)
            : errors == SslPolicyErrors.None;
    }
}
