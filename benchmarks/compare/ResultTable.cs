using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ClusterState.Comparison;

/// <summary>One line of the comparison: a workload measured on etcd and on ClusterState in the same run.</summary>
/// <param name="Workload">What ran.</param>
/// <param name="Unit">The unit of both figures.</param>
/// <param name="Etcd">etcd's figure (null when etcd has no such row).</param>
/// <param name="ClusterState">ClusterState's figure.</param>
/// <param name="HigherIsBetter">Whether a larger figure is the better one (throughput) or a smaller one (latency, time).</param>
internal sealed record ResultRow(string Workload, string Unit, double? Etcd, double ClusterState, bool HigherIsBetter)
{
    /// <summary>How many times better ClusterState's figure is than etcd's (below 1: worse).</summary>
    public double? Ratio => Etcd is not { } etcd || etcd <= 0 || ClusterState <= 0
        ? null
        : HigherIsBetter ? ClusterState / etcd : etcd / ClusterState;
}

/// <summary>The rows of one run with the machine they ran on, written as Markdown and as JSON.</summary>
internal sealed class ResultTable(string mode, string etcdVersion)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly List<ResultRow> _rows = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<ResultRow> Rows => _rows;

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"  {row.Workload}: etcd {Format(row.Etcd)} {row.Unit}, ClusterState {Format(row.ClusterState)} {row.Unit}, {FormatRatio(row.Ratio)}");
    }

    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine("  note: " + note);
    }

    public string Machine => $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"ClusterState vs etcd {etcdVersion} — {mode} run, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Machine}.");
        md.AppendLine();
        md.AppendLine("| Workload | etcd | ClusterState | ClusterState vs etcd |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var row in _rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Workload} | {Format(row.Etcd)} {(row.Etcd is null ? "" : row.Unit)} | {Format(row.ClusterState)} {row.Unit} | {FormatRatio(row.Ratio)} |");
        }

        if (_notes.Count > 0)
        {
            md.AppendLine();
            foreach (var note in _notes)
            {
                md.AppendLine("- " + note);
            }
        }

        return md.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            mode,
            etcdVersion,
            utc = DateTime.UtcNow,
            machine = new
            {
                cores = Environment.ProcessorCount,
                memoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                dotnet = Environment.Version.ToString(),
            },
            rows = _rows.Select(r => new { workload = r.Workload, unit = r.Unit, etcd = r.Etcd, clusterState = r.ClusterState, higherIsBetter = r.HigherIsBetter, ratio = r.Ratio }),
            notes = _notes,
        },
        Indented);

    private static string Format(double? value) => value switch
    {
        null => "—",
        >= 100 => value.Value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.Value.ToString("N1", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("N2", CultureInfo.InvariantCulture),
    };

    private static string FormatRatio(double? ratio) => ratio switch
    {
        null => "—",
        > 0.995 and < 1.005 => "same",
        >= 1 => $"{Format(ratio)}× better",
        _ => $"{Format(1 / ratio)}× worse",
    };
}
