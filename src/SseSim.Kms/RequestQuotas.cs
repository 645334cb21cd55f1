using System.Collections.Concurrent;
using SseSim.Kms.Model;

namespace SseSim.Kms;

/// <summary>
/// Token buckets per account and quota class with AWS's default rates (Developer Guide requests-per-second.md):
/// one shared bucket for symmetric and HMAC cryptographic operations, one for RSA, one for ECC.
/// </summary>
public sealed class RequestQuotas(KmsOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Account, string Class), TokenBucket> _buckets = new();

    private static readonly HashSet<string> CryptographicOperations =
    [
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "Sign", "Verify", "GetPublicKey", "GenerateRandom",
    ];

    public void Charge(string accountId, string operation, KmsKey? key)
    {
        if (!options.QuotasEnabled || !CryptographicOperations.Contains(operation))
        {
            return;
        }
        var (quotaClass, rate) = (key?.SpecInfo.Family) switch
        {
            KeySpecInfo.Rsa => ("RSA", options.RsaRequestsPerSecond),
            KeySpecInfo.Ecc => ("ECC", options.EccRequestsPerSecond),
            _ => ("Symmetric", options.SymmetricRequestsPerSecond),
        };
        var bucket = _buckets.GetOrAdd((accountId, quotaClass), static (_, arg) => new TokenBucket(arg.rate, arg.time), (rate, time));
        if (!bucket.TryTake())
        {
            throw new KmsException("ThrottlingException", "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.");
        }
    }

    /// <summary>
    /// Refills continuously at <c>rate</c> per second with a one-second burst, like AWS's per-second quota.
    /// The burst is at least one request so fractional rates (0.5/s) still admit a call every 1/rate seconds.
    /// </summary>
    private sealed class TokenBucket(double ratePerSecond, TimeProvider time)
    {
        private readonly Lock _lock = new();
        private readonly double _rate = ratePerSecond;
        private readonly double _capacity = Math.Max(1, ratePerSecond);
        private double _tokens = Math.Max(1, ratePerSecond);
        private long _last = time.GetTimestamp();

        public bool TryTake()
        {
            lock (_lock)
            {
                var now = time.GetTimestamp();
                var elapsed = time.GetElapsedTime(_last, now).TotalSeconds;
                _last = now;
                _tokens = Math.Min(_capacity, _tokens + (elapsed * _rate));
                if (_tokens < 1)
                {
                    return false;
                }
                _tokens -= 1;
                return true;
            }
        }
    }
}
