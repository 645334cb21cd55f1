namespace SseSim.Objects.Storage;

/// <summary>
/// Where envelope bodies (ciphertext only) live. Bodies are immutable and named by an id the store picks, never by the
/// object key. The embedded default is <see cref="FileObjectBodyStore"/>; a remote S3/MinIO backend implements the
/// same contract.
/// </summary>
public interface IObjectBodyStore
{
    /// <summary>Starts a new body. Nothing is visible until <see cref="IPendingBody.CommitAsync"/>; disposing uncommitted discards it.</summary>
    ValueTask<IPendingBody> CreateAsync(CancellationToken cancellationToken = default);

    /// <summary>A seekable read-only stream over a committed body (its Length is the stored length).</summary>
    ValueTask<Stream> OpenReadAsync(string bodyId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a committed body; missing bodies are ignored.</summary>
    ValueTask DeleteAsync(string bodyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Crash recovery: removes leftovers of interrupted writes and every committed body for which
    /// <paramref name="isReferenced"/> is false. Call only while no writes are in flight (at startup).
    /// </summary>
    ValueTask<int> CleanupAsync(Func<string, bool> isReferenced, CancellationToken cancellationToken = default);
}

public interface IPendingBody : IAsyncDisposable
{
    /// <summary>Write-only sink for the body.</summary>
    Stream Content { get; }

    /// <summary>
    /// Crypto metadata of the body (wrapped key, mode, binding; <see cref="BodyMetadata"/>), given before the first
    /// write so a remote backend can store it beside the body. The file store ignores it: its metadata table has it.
    /// </summary>
    void Describe(IReadOnlyDictionary<string, string> metadata)
    {
    }

    /// <summary>Makes the body durable and returns its id; after this returns the body survives a crash.</summary>
    ValueTask<string> CommitAsync(CancellationToken cancellationToken = default);
}
