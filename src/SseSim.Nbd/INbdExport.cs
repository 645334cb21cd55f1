namespace SseSim.Nbd;

/// <summary>
/// A block device served over NBD. Byte offsets and lengths are already bounds-checked by the server.
/// Implementations throw <see cref="NbdException"/> for a specific NBD error; any other
/// <see cref="IOException"/> is reported as EIO.
/// </summary>
public interface INbdExport
{
    string Name { get; }

    long Size { get; }

    bool IsReadOnly { get; }

    /// <summary>Cancelled when the export is withdrawn (detach): every connection serving it is dropped.</summary>
    CancellationToken Closed { get; }

    ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken);

    /// <param name="fua">Force unit access: return only once the data is durable.</param>
    ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> source, bool fua, CancellationToken cancellationToken);

    /// <summary>Returns once every write completed before the call is durable.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    ValueTask TrimAsync(long offset, long length, bool fua, CancellationToken cancellationToken);

    ValueTask WriteZeroesAsync(long offset, long length, bool fua, CancellationToken cancellationToken);

    /// <summary>
    /// Whether zeroing the range would be faster than writing zeros to it (NBD_CMD_FLAG_FAST_ZERO): when not, such a
    /// request fails at once with ENOTSUP and the client writes the zeros itself.
    /// </summary>
    bool CanZeroFast(long offset, long length) => false;

    /// <summary>
    /// The base:allocation status of [offset, offset + length): consecutive extents from <paramref name="offset"/>,
    /// none past the range's end. They may stop short of it (the client asks again from where they end) but cover at
    /// least its first byte. Status 0 (allocated data) is always a correct answer (proto.md), so that is the default.
    /// </summary>
    ValueTask<IReadOnlyList<NbdExtent>> GetAllocationAsync(long offset, long length, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<NbdExtent>>([new NbdExtent(length, 0)]);
}

/// <summary>One block-status descriptor: a run of bytes and its <see cref="NbdState"/> flags.</summary>
public readonly record struct NbdExtent(long Length, uint Flags);

/// <summary>base:allocation status flags (proto.md "Metadata contexts").</summary>
public static class NbdState
{
    /// <summary>Not allocated: writing there may need new space.</summary>
    public const uint Hole = 1;

    /// <summary>Reads as zeros.</summary>
    public const uint Zero = 2;
}

/// <summary>Resolves export names at handshake time. Only currently exportable devices are returned.</summary>
public interface INbdExportProvider
{
    INbdExport? Find(string name);

    IReadOnlyList<string> List();
}

/// <summary>
/// A request the export failed for a reason the client cannot see (the reply carries only the error number): what was
/// asked, what was answered, and the exception. Exception messages here name blocks and files, never data or keys.
/// </summary>
public sealed record NbdRequestFailure(string Export, string Command, long Offset, long Length, uint Error, Exception Exception);

/// <summary>A request failed with a specific NBD error value (<see cref="NbdError"/>).</summary>
public sealed class NbdException(uint error, string message) : IOException(message)
{
    public uint Error { get; } = error;
}

/// <summary>The fixed NBD error values (proto.md "Error values").</summary>
public static class NbdError
{
    public const uint Eperm = 1;
    public const uint Eio = 5;
    public const uint Enomem = 12;
    public const uint Einval = 22;
    public const uint Enospc = 28;
    public const uint Eoverflow = 75;
    public const uint Enotsup = 95;
    public const uint Eshutdown = 108;
}
