using System.Security.Cryptography;
using SseSim.Core.Storage;

namespace SseSim.Objects.Storage;

/// <summary>
/// Bodies as files under &lt;dataDir&gt;/bodies/&lt;2 hex&gt;/&lt;32 hex&gt;; writes go to &lt;dataDir&gt;/tmp first, are
/// fsynced, then renamed (and the directory fsynced) so a committed body is complete and durable. File names are random
/// ids, so object keys can never steer a path.
/// </summary>
public sealed class FileObjectBodyStore : IObjectBodyStore
{
    private const string TempSuffix = ".tmp";
    private readonly string _bodies;
    private readonly string _temp;

    public FileObjectBodyStore(string dataDirectory)
    {
        var root = Path.GetFullPath(dataDirectory);
        _bodies = Path.Combine(root, "bodies");
        _temp = Path.Combine(root, "tmp");
        DirectorySync.CreateDurable(_bodies);
        DirectorySync.CreateDurable(_temp);
    }

    public ValueTask<IPendingBody> CreateAsync(CancellationToken cancellationToken = default)
    {
        var id = NewId();
        var tempPath = Path.Combine(_temp, id + TempSuffix);
        var stream = new HandleStream(File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None));
        return ValueTask.FromResult<IPendingBody>(new PendingFile(this, id, tempPath, stream));
    }

    public ValueTask<Stream> OpenReadAsync(string bodyId, CancellationToken cancellationToken = default)
    {
        var path = PathOf(bodyId);
        try
        {
            Stream s = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            });
            return ValueTask.FromResult(s);
        }
        catch (FileNotFoundException e)
        {
            throw new S3Exception(S3ErrorCode.InternalError, "object body is missing", 500, e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new S3Exception(S3ErrorCode.InternalError, "object body is missing", 500, e);
        }
    }

    public ValueTask DeleteAsync(string bodyId, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(bodyId));
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> CleanupAsync(Func<string, bool> isReferenced, CancellationToken cancellationToken = default)
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(_temp))
        {
            File.Delete(file);
            removed++;
        }
        foreach (var file in Directory.EnumerateFiles(_bodies, "*", SearchOption.AllDirectories))
        {
            var id = Path.GetFileName(file);
            if (!IsValidId(id) || !isReferenced(id))
            {
                File.Delete(file);
                removed++;
            }
        }
        return ValueTask.FromResult(removed);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static bool IsValidId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private string PathOf(string bodyId)
    {
        // Ids come from metadata we wrote, but validate anyway so no stored value can escape the data directory.
        if (!IsValidId(bodyId))
        {
            throw new ArgumentException("invalid body id", nameof(bodyId));
        }
        return Path.Combine(_bodies, bodyId[..2], bodyId);
    }

    private sealed class PendingFile(FileObjectBodyStore owner, string id, string tempPath, HandleStream stream) : IPendingBody
    {
        private bool _committed;

        public Stream Content => stream;

        public async ValueTask<string> CommitAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RandomAccess.FlushToDisk(stream.Handle);
            await stream.DisposeAsync().ConfigureAwait(false);
            var final = owner.PathOf(id);
            // The fan-out directory may be new too: its entry in bodies/ must be durable before the body's is useful.
            DirectorySync.CreateDurable(Path.GetDirectoryName(final)!);
            DirectorySync.MoveDurable(tempPath, final);
            _committed = true;
            return id;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (!_committed)
            {
                File.Delete(tempPath);
            }
        }
    }
}
