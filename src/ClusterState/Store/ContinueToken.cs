using System.Buffers.Text;
using System.Text;
using ClusterState.Storage;

namespace ClusterState;

/// <summary>
/// The continue token of a paged list: the revision the first page was read at and the key of the last object
/// returned, as base64url of <c>1\0revision\0namespace\0name</c>. Opaque to callers; decoded as untrusted input.
/// </summary>
internal static class ContinueToken
{
    private const string Version = "1";

    public static string Encode(long revision, ObjectName last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\0', Version, revision.ToString(System.Globalization.CultureInfo.InvariantCulture), last.Namespace, last.Name)));

    /// <exception cref="ValidationException">The token is not one this store issued.</exception>
    public static (long Revision, ObjectName After) Decode(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\0');
            if (parts is [Version, var revision, var ns, var name]
                && long.TryParse(revision, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var r) && r > 0
                && name.Length > 0)
            {
                return (r, new ObjectName(ns, name));
            }
        }
        catch (FormatException)
        {
            // Reported below.
        }

        throw new ValidationException("list options", [new ValidationError("continue", "Invalid value: not a continue token of a list of this store")]);
    }
}
