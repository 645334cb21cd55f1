using System.IO.Pipelines;
using System.Runtime.ExceptionServices;

namespace SseSim.Objects.Storage;

/// <summary>
/// Write-behind for body files: the envelope writer seals segments into a bounded pipe's memory while a second task
/// writes the earlier ones to the sink, so the file writes overlap the decoding and crypto of a large PUT, with no
/// copy in between. At most <see cref="PauseBytes"/> of ciphertext wait in the pipe.
/// </summary>
internal static class WriteBehind
{
    public const int PauseBytes = 1024 * 1024;

    /// <summary>
    /// Runs <paramref name="produce"/> against the pipe's writer and drains the pipe into <paramref name="sink"/>; returns
    /// when both are done. A sink failure is reported as itself, not as the producer's "sink stopped".
    /// </summary>
    public static async Task<T> RunAsync<T>(Stream sink, Func<PipeWriter, Task<T>> produce, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2, useSynchronizationContext: false));
        var drain = DrainAsync(pipe.Reader, sink, cancellationToken);
        T result;
        try
        {
            result = await produce(pipe.Writer).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            try
            {
                await drain.ConfigureAwait(false);
            }
            catch (Exception drainFailure) when (!ReferenceEquals(drainFailure, e))
            {
                ExceptionDispatchInfo.Throw(drainFailure);
            }
            catch (Exception)
            {
                // The drain only saw the producer's own failure.
            }
            throw;
        }
        await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        await drain.ConfigureAwait(false);
        return result;
    }

    private static async Task DrainAsync(PipeReader reader, Stream sink, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    foreach (var memory in result.Buffer)
                    {
                        await sink.WriteAsync(memory, cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    reader.AdvanceTo(result.Buffer.End);
                }
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
            await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            await reader.CompleteAsync(failure).ConfigureAwait(false);
        }
    }
}
