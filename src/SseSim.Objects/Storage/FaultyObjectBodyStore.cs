using SseSim.Core.Storage.Faults;

namespace SseSim.Objects.Storage;

/// <summary>
/// Object bodies on failing storage: a body's writes and its commit (fsync, rename) fail while the fault is on, a torn
/// write keeps half its bytes in the pending file, and opening a body fails under EIO. Deletes pass through: unlinking
/// needs no space, and a leftover body would only be swept at the next start.
/// </summary>
public sealed class FaultyObjectBodyStore(IObjectBodyStore inner, StorageFaults faults) : IObjectBodyStore
{
    private const string Name = StorageFaults.ObjectBodies;

    public async ValueTask<IPendingBody> CreateAsync(CancellationToken cancellationToken = default) =>
        new Pending(await inner.CreateAsync(cancellationToken).ConfigureAwait(false), faults);

    public ValueTask<Stream> OpenReadAsync(string bodyId, CancellationToken cancellationToken = default)
    {
        faults.BeforeRead(Name);
        return inner.OpenReadAsync(bodyId, cancellationToken);
    }

    public ValueTask DeleteAsync(string bodyId, CancellationToken cancellationToken = default) => inner.DeleteAsync(bodyId, cancellationToken);

    public ValueTask<int> CleanupAsync(Func<string, bool> isReferenced, CancellationToken cancellationToken = default) =>
        inner.CleanupAsync(isReferenced, cancellationToken);

    private sealed class Pending(IPendingBody inner, StorageFaults faults) : IPendingBody
    {
        // The inner body owns and disposes its stream.
        private readonly FaultyWriteStream _content = new(inner.Content, faults, Name);

        public Stream Content => _content;

        public void Describe(IReadOnlyDictionary<string, string> metadata) => inner.Describe(metadata);

        public ValueTask<string> CommitAsync(CancellationToken cancellationToken = default)
        {
            faults.BeforeWrite(Name);
            return inner.CommitAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
