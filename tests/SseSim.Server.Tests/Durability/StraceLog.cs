using System.Text.RegularExpressions;

namespace SseSim.Server.Tests.Durability;

/// <summary>
/// Reads an <c>strace -f -y -s 4096</c> log and finds names that were created (file, directory, rename or link
/// target) without a later fsync of their parent directory, i.e. names a power loss could take away.
/// </summary>
public sealed partial class StraceLog
{
    private readonly HashSet<string> _exists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unsynced = new(StringComparer.Ordinal); // path → the call that created it

    /// <summary>Every path the trace saw created.</summary>
    public HashSet<string> Created { get; } = new(StringComparer.Ordinal);

    /// <summary>Directories fsynced at least once.</summary>
    public HashSet<string> SyncedDirectories { get; } = new(StringComparer.Ordinal);

    public static StraceLog Parse(IEnumerable<string> lines)
    {
        var log = new StraceLog();
        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in lines)
        {
            var m = PidPrefix().Match(raw);
            var pid = m.Success ? m.Groups[1].Value : "";
            var text = m.Success ? raw[m.Length..] : raw;
            if (text.EndsWith(" <unfinished ...>", StringComparison.Ordinal))
            {
                pending[pid] = text[..^" <unfinished ...>".Length];
                continue;
            }
            var resumed = Resumed().Match(text);
            if (resumed.Success)
            {
                if (!pending.Remove(pid, out var start))
                {
                    continue;
                }
                text = start + text[resumed.Length..];
            }
            log.Apply(text);
        }
        return log;
    }

    /// <summary>The created, still-existing path whose directory entry was never made durable, with the creating call.</summary>
    public bool IsUnsynced(string path, out string call) => _unsynced.TryGetValue(path, out call!);

    private void Apply(string call)
    {
        var result = Result().Match(call);
        if (!result.Success || result.Groups[1].Value.StartsWith('-'))
        {
            return; // failed or not a syscall line
        }
        var name = call[..call.IndexOf('(', StringComparison.Ordinal)];
        var strings = Quoted().Matches(call).Select(q => Regex.Unescape(q.Groups[1].Value)).ToList();
        switch (name)
        {
            case "open" or "openat" or "creat":
                if (name == "creat" || call.Contains("O_CREAT", StringComparison.Ordinal))
                {
                    var path = result.Groups[3].Success ? result.Groups[3].Value : strings[0];
                    if (!_exists.Contains(path))
                    {
                        Create(path, call);
                    }
                }
                break;
            case "mkdir" or "mkdirat":
                Create(Path.GetFullPath(strings[0]), call);
                break;
            case "rename" or "renameat" or "renameat2":
                Remove(Path.GetFullPath(strings[0]));
                Create(Path.GetFullPath(strings[1]), call);
                break;
            case "link" or "linkat":
                Create(Path.GetFullPath(strings[1]), call);
                break;
            case "unlink" or "unlinkat" or "rmdir":
                Remove(Path.GetFullPath(strings[0]));
                break;
            case "fsync" or "fdatasync":
                var fd = FdPath().Match(call);
                if (fd.Success)
                {
                    var dir = fd.Groups[1].Value;
                    SyncedDirectories.Add(dir);
                    foreach (var path in _unsynced.Keys.Where(p => Path.GetDirectoryName(p) == dir).ToList())
                    {
                        _unsynced.Remove(path);
                    }
                }
                break;
        }
    }

    private void Create(string path, string call)
    {
        _exists.Add(path);
        Created.Add(path);
        _unsynced[path] = call;
    }

    private void Remove(string path)
    {
        _exists.Remove(path);
        _unsynced.Remove(path);
    }

    [GeneratedRegex(@"^(?:\[pid\s+)?(\d+)\]?\s+")]
    private static partial Regex PidPrefix();

    [GeneratedRegex(@"^<\.\.\. \w+ resumed>")]
    private static partial Regex Resumed();

    [GeneratedRegex(@"\)\s+=\s+(-?\d+)(<([^>]*)>)?(\s.*)?$")]
    private static partial Regex Result();

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^f(?:data)?sync\(\d+<([^>]*)>\)")]
    private static partial Regex FdPath();
}
