using ClusterState.Kinds;
using ClusterState.Model;

namespace ClusterState.Cli.Commands;

/// <summary><c>clusterstate get</c> and <c>clusterstate list</c>: objects as YAML or JSON, as kubectl prints them.</summary>
internal static class ReadCommands
{
    public static int Get(string path, string kindName, string name, string? @namespace, string format, KindRegistry kinds, TextWriter output, TextWriter error)
    {
        if (Resolve(kinds, kindName, error) is not { } kind)
        {
            return ExitCodes.NotFound;
        }

        var source = Open(path, kinds);
        var ns = kind.IsNamespaced ? @namespace ?? "default" : string.Empty;
        var found = source.Image.Objects.FirstOrDefault(o => o.Kind == kind && o.Metadata.Namespace == ns && o.Metadata.Name == name);
        if (found is null)
        {
            error.WriteLine($"{kind.Name} {(ns.Length > 0 ? $"{ns}/" : string.Empty)}{name} not found at revision {source.Image.Revision}");
            return ExitCodes.NotFound;
        }

        output.Write(Output.One(found, format));
        return ExitCodes.Ok;
    }

    public static int List(string path, string kindName, string? @namespace, string? selector, string format, KindRegistry kinds, TextWriter output, TextWriter error)
    {
        if (Resolve(kinds, kindName, error) is not { } kind)
        {
            return ExitCodes.NotFound;
        }

        LabelSelector? labels = null;
        if (selector is not null && !LabelSelector.TryParse(selector, out labels))
        {
            error.WriteLine($"'{selector}' is not a label selector (e.g. app=web,tier!=db)");
            return ExitCodes.Usage;
        }

        var source = Open(path, kinds);
        var items = source.Image.Objects
            .Where(o => o.Kind == kind && (@namespace is null || o.Metadata.Namespace == @namespace) && (labels is null || labels.Matches(o.Metadata.Labels)))
            .ToList();
        output.Write(Output.Many(items, source.Image.Revision, format));
        return ExitCodes.Ok;
    }

    private static Source Open(string path, KindRegistry kinds)
    {
        using var progress = ProgressBar.ForTerminal("reading");
        return Source.Open(path, kinds, progress);
    }

    private static ResourceKind? Resolve(KindRegistry kinds, string name, TextWriter error)
    {
        var kind = Source.FindKind(kinds, name);
        if (kind is null)
        {
            error.WriteLine($"'{name}' is not a kind this tool knows; kinds: {string.Join(", ", kinds.All.Select(d => d.Kind.Plural))}");
        }

        return kind;
    }
}
