using ClusterState.Persistence;

namespace ClusterState.Cli;

/// <summary>
/// A progress bar on standard error for long reads (verify, a large directory), drawn only when standard error is a
/// terminal, so that scripts and redirected output see none of it.
/// </summary>
internal sealed class ProgressBar : IProgress<OfflineReader.Progress>, IDisposable
{
    private const int Width = 30;
    private readonly string _label;
    private int _drawn = -1;

    private ProgressBar(string label) => _label = label;

    /// <summary>A bar, or null when standard error is not a terminal.</summary>
    public static ProgressBar? ForTerminal(string label) => Console.IsErrorRedirected ? null : new ProgressBar(label);

    public void Report(OfflineReader.Progress value)
    {
        var percent = value.Total <= 0 ? 100 : (int)Math.Clamp(value.Done * 100 / value.Total, 0, 100);
        if (percent == _drawn)
        {
            return;
        }

        _drawn = percent;
        var filled = percent * Width / 100;
        Console.Error.Write($"\r{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}%");
    }

    public void Dispose()
    {
        if (_drawn >= 0)
        {
            Console.Error.Write('\r' + new string(' ', _label.Length + Width + 8) + '\r');
        }
    }
}
