using System.Buffers.Binary;
using SseSim.Core.Storage;

namespace SseSim.Volumes.Blocks;

/// <summary>
/// The write counter of one writer, reserved durably in chunks before use (block-volume.md §3), so a
/// counter is never handed out twice, even across a crash.
/// </summary>
public sealed class NonceCounter
{
    public const ulong ReservationChunk = 1 << 16;

    private readonly IKeyValueStore _kv;
    private readonly string _key;
    private readonly SemaphoreSlim _reserveGate = new(1, 1);
    private readonly Lock _lock = new();
    private ulong _next;
    private ulong _high;

    private NonceCounter(IKeyValueStore kv, string key, ulong persistedHigh)
    {
        _kv = kv;
        _key = key;
        // Jump past everything that may have been handed out before (block-volume.md §3).
        _next = persistedHigh;
        _high = persistedHigh;
    }

    public static string KeyFor(string lineageId, uint writerId) => $"ebs/nonce/{lineageId}/{writerId:x8}";

    public static NonceCounter Open(IKeyValueStore kv, string lineageId, uint writerId)
    {
        var key = KeyFor(lineageId, writerId);
        var high = kv.TryGet(key, out var v) ? BinaryPrimitives.ReadUInt64BigEndian(v) : 0UL;
        return new NonceCounter(kv, key, high);
    }

    public ulong PersistedHighWater { get { lock (_lock) { return _high; } } }

    public async ValueTask<ulong> NextAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_next < _high)
                {
                    return _next++;
                }
            }
            await _reserveGate.WaitAsync(cancellationToken);
            try
            {
                ulong high;
                lock (_lock)
                {
                    if (_next < _high)
                    {
                        continue;
                    }
                    high = _high;
                }
                if (high > ulong.MaxValue - ReservationChunk)
                {
                    throw new InvalidOperationException("Nonce counter space of this writer is exhausted.");
                }
                var newHigh = high + ReservationChunk;
                var bytes = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(bytes, newHigh);
                await _kv.PutAsync(_key, bytes, cancellationToken);
                lock (_lock)
                {
                    _high = newHigh;
                }
            }
            finally
            {
                _reserveGate.Release();
            }
        }
    }
}
