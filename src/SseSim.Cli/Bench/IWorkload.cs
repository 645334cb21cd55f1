namespace SseSim.Cli.Bench;

/// <summary>What one completed operation did: its name (PutObject, Decrypt, NbdWrite...) and the payload bytes moved.</summary>
public readonly record struct OpResult(string Operation, long Bytes);

/// <summary>
/// One kind of load. <see cref="PrepareAsync"/> runs untimed (buckets, keys, preloaded objects); each
/// <see cref="ExecuteAsync"/> is one timed operation; a failure is an exception, classified by <see cref="ErrorCodes"/>.
/// </summary>
public interface IWorkload : IAsyncDisposable
{
    Task PrepareAsync(CancellationToken cancellationToken);

    ValueTask<OpResult> ExecuteAsync(int worker, long sequence, CancellationToken cancellationToken);

    /// <summary>The KMS key ARN the S3 workload encrypts under (to count its KMS calls), or null.</summary>
    string? KmsKeyArn => null;

    /// <summary>True when each operation reads or writes one S3 object (the denominator of "KMS calls per object").</summary>
    bool CountsObjects => false;
}
