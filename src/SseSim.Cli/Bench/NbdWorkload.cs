using System.Security.Cryptography;
using SseSim.Nbd;

namespace SseSim.Cli.Bench;

/// <summary>
/// Block I/O over one NBD connection with <c>--queue-depth</c> requests in flight: random or sequential
/// <c>--block-size</c> reads or writes over the whole export. A final FLUSH (untimed) makes written data durable.
/// </summary>
public sealed class NbdWorkload(BenchOptions o) : IWorkload
{
    private readonly byte[] _data = RandomNumberGenerator.GetBytes(o.BlockSize);
    private readonly byte[][] _sinks = Enumerable.Range(0, o.Concurrency).Select(_ => new byte[o.BlockSize]).ToArray();
    private NbdClient? _client;
    private long _blocks;

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _client = await NbdClient.ConnectAsync(o.NbdHost, o.NbdPort, o.Export!, cancellationToken);
        _blocks = _client.Size / o.BlockSize;
        if (_blocks == 0)
        {
            throw new InvalidOperationException($"Export {o.Export} ({_client.Size} bytes) is smaller than one block.");
        }
    }

    public async ValueTask<OpResult> ExecuteAsync(int worker, long sequence, CancellationToken cancellationToken)
    {
        var block = o.Pattern == "sequential" ? sequence % _blocks : Random.Shared.NextInt64(_blocks);
        var offset = block * o.BlockSize;
        if (o.NbdOp == "write")
        {
            await _client!.WriteAsync(offset, _data, cancellationToken: cancellationToken);
            return new OpResult("NbdWrite", o.BlockSize);
        }
        await _client!.ReadAsync(offset, _sinks[worker], cancellationToken);
        return new OpResult("NbdRead", o.BlockSize);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            if (o.NbdOp == "write")
            {
                await _client.FlushAsync();
            }
            await _client.DisposeAsync();
        }
    }
}
