using System.Collections.Concurrent;
using SseSim.Kms.Model;

namespace SseSim.Kms;

/// <summary>
/// Token buckets per account and quota class with AWS's default rates (Developer Guide requests-per-second.md):
/// one shared bucket for symmetric and HMAC cryptographic operations, one for RSA, one for ECC (Ed25519 included), one
/// for ML-DSA. The rates start from <see cref="KmsOptions"/> and can be lowered or raised at run time (<see cref="Set"/>,
/// fault injection).
/// </summary>
public sealed class RequestQuotas(KmsOptions options, TimeProvider time)
{
    public const string ThrottlingMessage = "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.";

    private ConcurrentDictionary<(string Account, string Class), TokenBucket> _buckets = new();
    private QuotaSettings _current = QuotaSettings.From(options);

    /// <summary>The rates given at start (options), what <see cref="Reset"/> returns to.</summary>
    public QuotaSettings Configured { get; } = QuotaSettings.From(options);

    public QuotaSettings Current => Volatile.Read(ref _current);

    /// <summary>Installs new rates; buckets start full at the new rates. Throws ArgumentException for a rate not above 0.</summary>
    public void Set(QuotaSettings settings)
    {
        Validate(settings);
        Volatile.Write(ref _current, settings);
        Volatile.Write(ref _buckets, new ConcurrentDictionary<(string Account, string Class), TokenBucket>());
    }

    public void Reset() => Set(Configured);

    public static void Validate(QuotaSettings settings)
    {
        if (!(settings.SymmetricRequestsPerSecond > 0 && settings.RsaRequestsPerSecond > 0 && settings.EccRequestsPerSecond > 0))
        {
            throw new ArgumentException("Request quotas must be above 0 requests per second.");
        }
    }

    private static readonly HashSet<string> CryptographicOperations =
    [
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "Sign", "Verify", "GetPublicKey", "GenerateRandom", "DeriveSharedSecret",
    ];

    public void Charge(string accountId, string operation, KmsKey? key)
    {
        var settings = Current;
        if (!settings.Enabled || !CryptographicOperations.Contains(operation))
        {
            return;
        }
        var (quotaClass, rate) = (key?.SpecInfo.Family) switch
        {
            KeySpecInfo.Rsa => ("RSA", settings.RsaRequestsPerSecond),
            KeySpecInfo.Ecc or KeySpecInfo.Ed25519 => ("ECC", settings.EccRequestsPerSecond),
            // AWS meters ML-DSA keys in a quota of their own; SseSim gives it the RSA rate rather than another setting.
            KeySpecInfo.MlDsa => ("ML-DSA", settings.RsaRequestsPerSecond),
            _ => ("Symmetric", settings.SymmetricRequestsPerSecond),
        };
        var bucket = Volatile.Read(ref _buckets).GetOrAdd((accountId, quotaClass), static (_, arg) => new TokenBucket(arg.rate, arg.time), (rate, time));
        if (!bucket.TryTake())
        {
            throw new KmsException("ThrottlingException", ThrottlingMessage);
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

/// <summary>Cryptographic request quotas per account per second, and whether they are enforced at all.</summary>
public sealed record QuotaSettings(bool Enabled, double SymmetricRequestsPerSecond, double RsaRequestsPerSecond, double EccRequestsPerSecond)
{
    public static QuotaSettings From(KmsOptions options) =>
        new(options.QuotasEnabled, options.SymmetricRequestsPerSecond, options.RsaRequestsPerSecond, options.EccRequestsPerSecond);
}
