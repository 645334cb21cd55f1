using SseSim.Core.Crypto;
using SseSim.Core.Secrets;

namespace SseSim.Kms.Crypto;

/// <summary>
/// The ciphertext blob's message-key KDF (HMAC-SHA256 under one version of a key's material) with its HMAC state
/// keyed once and reused: a one-shot HMAC looks the algorithm up and sets the key up again on every call, which cost
/// more than the hash. Instances are not thread-safe, so each call borrows one from a small pool. The vault owns the
/// deriver and disposes it with the material; disposing frees (and OpenSSL clears) every pooled keyed state, and one
/// in use at that moment is disposed when it comes back.
/// </summary>
public sealed class MessageKeyDeriver(SecretBytes backingKey) : IDisposable
{
    private const int MaxIdle = 8;
    private readonly Lock _lock = new();
    private readonly Stack<KeyedHmacSha256> _idle = new();
    private bool _disposed;

    public void Derive(ReadOnlySpan<byte> input, Span<byte> output)
    {
        KeyedHmacSha256? hmac = null;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _idle.TryPop(out hmac);
        }
        hmac ??= new KeyedHmacSha256(backingKey.UnsafeExpose());
        try
        {
            hmac.Compute(input, output);
        }
        catch
        {
            hmac.Dispose();
            throw;
        }
        lock (_lock)
        {
            if (!_disposed && _idle.Count < MaxIdle)
            {
                _idle.Push(hmac);
                return;
            }
        }
        hmac.Dispose();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var hmac in _idle)
            {
                hmac.Dispose();
            }
            _idle.Clear();
        }
    }
}
