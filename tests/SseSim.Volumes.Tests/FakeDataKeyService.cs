using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Core.Keys;
using SseSim.Core.Secrets;

namespace SseSim.Volumes.Tests;

/// <summary>
/// A KMS stand-in with real AES-GCM wrapping (context bound as AAD), key states, grants, and a call log
/// so tests can assert the EBS key flow order.
/// </summary>
internal sealed class FakeDataKeyService : IDataKeyService
{
    public const string Account = "111122223333";
    private readonly Dictionary<string, byte[]> _masters = [];
    private readonly Dictionary<string, string> _aliases = [];
    private readonly HashSet<string> _disabled = [];

    public List<string> Calls { get; } = [];
    public List<(string Op, Caller Caller, EncryptionContext? Context, int Bytes, string? Grantee, IReadOnlyDictionary<string, string>? Subset)> Log { get; } = [];
    public Dictionary<string, string> ActiveGrants { get; } = [];
    public List<SecretBytes> HandedOut { get; } = [];

    public string CreateKey(string? alias = null)
    {
        var arn = $"arn:aws:kms:us-east-1:{Account}:key/{Guid.NewGuid()}";
        _masters[arn] = RandomNumberGenerator.GetBytes(32);
        if (alias is not null)
        {
            _aliases[alias] = arn;
        }
        return arn;
    }

    public void Disable(string arn) => _disabled.Add(arn);

    public void Enable(string arn) => _disabled.Remove(arn);

    private string Resolve(string keyId)
    {
        if (_masters.ContainsKey(keyId))
        {
            return keyId;
        }
        if (_aliases.TryGetValue(keyId, out var a))
        {
            return a;
        }
        if (keyId == "alias/aws/ebs")
        {
            return CreateKey("alias/aws/ebs");
        }
        throw new KeyServiceException("NotFoundException", $"Key '{keyId}' does not exist");
    }

    private string Usable(string keyId)
    {
        var arn = Resolve(keyId);
        return _disabled.Contains(arn) ? throw new KeyServiceException("DisabledException", $"{arn} is disabled.") : arn;
    }

    public Task<string> ResolveKeyArnAsync(Caller caller, string keyId, CancellationToken cancellationToken = default)
    {
        Calls.Add("ResolveKeyArn");
        return Task.FromResult(Resolve(keyId));
    }

    public Task<DataKey> GenerateDataKeyAsync(Caller caller, string keyId, EncryptionContext context, int numberOfBytes = 32, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("EBS never asks for a plaintext data key at create");

    public Task<(byte[] CiphertextBlob, string KeyArn)> GenerateDataKeyWithoutPlaintextAsync(Caller caller, string keyId, EncryptionContext context, int numberOfBytes = 32, CancellationToken cancellationToken = default)
    {
        Calls.Add("GenerateDataKeyWithoutPlaintext");
        Log.Add(("GenerateDataKeyWithoutPlaintext", caller, context, numberOfBytes, null, null));
        var arn = Usable(keyId);
        var plain = RandomNumberGenerator.GetBytes(numberOfBytes);
        return Task.FromResult((Wrap(arn, plain, context), arn));
    }

    public Task<SecretBytes> DecryptAsync(Caller caller, byte[] ciphertextBlob, EncryptionContext context, string? keyId = null, IReadOnlyList<string>? grantTokens = null, CancellationToken cancellationToken = default)
    {
        Calls.Add("Decrypt");
        Log.Add(("Decrypt", caller, context, 0, null, null));
        var arn = Encoding.UTF8.GetString(ciphertextBlob, 1, ciphertextBlob[0]);
        Usable(arn);
        var blob = ciphertextBlob.AsSpan(1 + ciphertextBlob[0]);
        var plain = new byte[blob.Length - 28];
        try
        {
            using var gcm = new AesGcm(_masters[arn], 16);
            gcm.Decrypt(blob[..12], blob[28..], blob[12..28], plain, context.Canonicalize());
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new KeyServiceException("InvalidCiphertextException", "bad blob or context");
        }
        var secret = SecretBytes.TakeFrom(plain);
        HandedOut.Add(secret);
        return Task.FromResult(secret);
    }

    public Task<(byte[] CiphertextBlob, string KeyArn)> ReEncryptAsync(Caller caller, byte[] ciphertextBlob, EncryptionContext sourceContext, string destinationKeyId, EncryptionContext destinationContext, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<(string GrantId, string GrantToken)> CreateGrantAsync(Caller caller, string keyId, string granteePrincipal, IReadOnlyList<string> operations, IReadOnlyDictionary<string, string>? encryptionContextSubset, string? retiringPrincipal = null, CancellationToken cancellationToken = default)
    {
        Calls.Add("CreateGrant");
        Log.Add(("CreateGrant", caller, null, 0, granteePrincipal, encryptionContextSubset));
        var arn = Usable(keyId);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        ActiveGrants[id] = arn;
        return Task.FromResult((id, "token-" + id));
    }

    public Task RetireGrantAsync(Caller caller, string keyId, string grantId, CancellationToken cancellationToken = default)
    {
        Calls.Add("RetireGrant");
        ActiveGrants.Remove(grantId);
        return Task.CompletedTask;
    }

    private byte[] Wrap(string arn, byte[] plain, EncryptionContext context)
    {
        var arnBytes = Encoding.UTF8.GetBytes(arn);
        var blob = new byte[1 + arnBytes.Length + 28 + plain.Length];
        blob[0] = (byte)arnBytes.Length;
        arnBytes.CopyTo(blob, 1);
        var body = blob.AsSpan(1 + arnBytes.Length);
        RandomNumberGenerator.Fill(body[..12]);
        using var gcm = new AesGcm(_masters[arn], 16);
        gcm.Encrypt(body[..12], plain, body[28..], body[12..28], context.Canonicalize());
        CryptographicOperations.ZeroMemory(plain);
        return blob;
    }
}
