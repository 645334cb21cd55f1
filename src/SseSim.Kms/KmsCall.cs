using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms;

/// <summary>
/// One KMS request in flight: who calls, which operation, and the keys it touched (for the audit's resources).
/// Handlers reach keys only through <see cref="UseKeyAsync"/>, the single choke point for resolution,
/// key state, authorization and request quotas.
/// </summary>
public sealed class KmsCall(KmsService kms, Caller caller, string operation, CancellationToken cancellationToken)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> ActionNames = new(StringComparer.Ordinal);

    // Most calls touch one key; the list exists only for the few that touch more (ReEncrypt, grants across keys).
    private KmsKey? _firstKey;
    private List<KmsKey>? _moreKeys;

    public KmsService Kms { get; } = kms;
    public Caller Caller { get; } = caller;
    public string Operation { get; } = operation;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public DateTimeOffset Now => Kms.Time.GetUtcNow();
    public IReadOnlyList<KmsKey> TouchedKeys => _moreKeys ?? (_firstKey is null ? [] : [_firstKey]);

    /// <summary>How many keys the call touched; with <see cref="TouchedKey"/> reads them without building a list.</summary>
    public int TouchedKeyCount => _moreKeys?.Count ?? (_firstKey is null ? 0 : 1);

    public KmsKey TouchedKey(int index) => _moreKeys is { } more ? more[index] : index == 0 && _firstKey is { } k ? k : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The CloudTrail eventID recorded for this call, once it has finished.</summary>
    public string? AuditEventId { get; internal set; }

    /// <summary>ReplicateKey's ReplicaRegion or UpdatePrimaryRegion's PrimaryRegion, for kms:ReplicaRegion and kms:PrimaryRegion.</summary>
    public string? RequestRegion { get; set; }

    /// <summary>The encryption context of the request, for the audit's requestParameters and policy conditions.</summary>
    public EncryptionContext? Context { get; set; }

    /// <summary>kms:ViaService as AWS spells it: "s3.us-east-1.amazonaws.com".</summary>
    public string? ViaService => Caller.ViaService is null ? null
        : Caller.ViaService.Contains('.', StringComparison.Ordinal) && Caller.ViaService.Split('.').Length >= 4 ? Caller.ViaService
        : $"{Caller.ViaService.Split('.')[0]}.{Kms.Options.Region}.amazonaws.com";

    /// <summary>
    /// Resolves <paramref name="keyId"/>, checks the key state for <paramref name="rule"/>, authorizes
    /// kms:<paramref name="action"/> (policy, then grants), and charges the request quota.
    /// </summary>
    public async ValueTask<KmsKey> UseKeyAsync(string? keyId, KeyIdForms forms, KeyStateRules.Rule rule, string? action = null,
        EncryptionContext? context = null, IReadOnlyList<string>? grantTokens = null)
    {
        var key = await Kms.Resolver.ResolveAsync(Caller, keyId, forms, CancellationToken);
        Touch(key);
        Kms.Authorizer.Authorize(this, key, ActionName(action ?? Operation), context, grantTokens);
        KeyStateRules.Check(rule, key);
        Kms.Quotas.Charge(Caller.AccountId, Operation, key);
        return key;
    }

    /// <summary>"kms:Operation", formatted once per operation name rather than once per call.</summary>
    private static string ActionName(string operation) => ActionNames.GetOrAdd(operation, static o => "kms:" + o);

    public void Touch(KmsKey key)
    {
        if (_firstKey is null)
        {
            _firstKey = key;
            return;
        }
        if (_moreKeys is null)
        {
            if (_firstKey.KeyId == key.KeyId)
            {
                return;
            }
            _moreKeys = [_firstKey];
        }
        foreach (var k in _moreKeys)
        {
            if (k.KeyId == key.KeyId)
            {
                return;
            }
        }
        _moreKeys.Add(key);
    }

    /// <summary>Refuses changes to AWS managed keys, which only AWS may administer.</summary>
    public static void RequireCustomerManaged(KmsKey key)
    {
        if (key.IsAwsManaged)
        {
            throw KmsException.Unsupported($"{key.Arn} is an AWS managed key, and this operation is not supported on AWS managed keys.");
        }
    }
}
