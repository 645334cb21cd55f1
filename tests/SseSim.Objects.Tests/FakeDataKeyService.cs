using System.Security.Cryptography;
using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Core.Keys;
using SseSim.Core.Secrets;

namespace SseSim.Objects.Tests;

/// <summary>A KMS stand-in that really wraps keys (AES-GCM, context as AAD) and counts calls; keys can be disabled or denied.</summary>
internal sealed class FakeDataKeyService : IDataKeyService
{
    private readonly byte[] _master;

    /// <param name="master">Fixed wrapping key for golden records; random by default.</param>
    public FakeDataKeyService(byte[]? master = null) => _master = master ?? RandomNumberGenerator.GetBytes(32);
    public int GenerateCalls;
    public int DecryptCalls;
    public HashSet<string> Disabled { get; } = [];
    public bool DenyDecrypt { get; set; }
    public List<EncryptionContext> Contexts { get; } = [];

    public int TotalCalls => GenerateCalls + DecryptCalls;

    /// <summary>When set, each call is counted at once but answers only after this completes (a slow KMS).</summary>
    public Task? Hold { get; set; }

    private async Task<T> AfterHoldAsync<T>(Task hold, Func<T> answer)
    {
        await hold;
        return answer();
    }

    public static string Arn(string keyId) => keyId.StartsWith("arn:", StringComparison.Ordinal)
        ? keyId
        : $"arn:aws:kms:us-east-1:111122223333:key/{(keyId == "alias/aws/s3" ? "aws-s3-managed" : keyId)}";

    public Task<string> ResolveKeyArnAsync(Caller caller, string keyId, CancellationToken cancellationToken = default) => Task.FromResult(Arn(keyId));

    public Task<DataKey> GenerateDataKeyAsync(Caller caller, string keyId, EncryptionContext context, int numberOfBytes = 32, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref GenerateCalls);
        Assert.NotNull(caller.ViaService);
        lock (Contexts)
        {
            Contexts.Add(context);
        }
        var arn = Arn(keyId);
        if (keyId == "missing")
        {
            throw new KeyServiceException("NotFoundException", "Invalid keyId 'missing'");
        }
        if (Disabled.Contains(arn))
        {
            throw new KeyServiceException("DisabledException", $"{arn} is disabled.");
        }
        DataKey Answer()
        {
            var plain = SecretBytes.Random(numberOfBytes);
            return new DataKey(plain, Wrap(arn, plain.UnsafeExpose(), context), arn);
        }
        return Hold is { } hold ? AfterHoldAsync(hold, Answer) : Task.FromResult(Answer());
    }

    public Task<(byte[] CiphertextBlob, string KeyArn)> GenerateDataKeyWithoutPlaintextAsync(Caller caller, string keyId, EncryptionContext context, int numberOfBytes = 32, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<SecretBytes> DecryptAsync(Caller caller, byte[] ciphertextBlob, EncryptionContext context, string? keyId = null, IReadOnlyList<string>? grantTokens = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref DecryptCalls);
        return Hold is { } hold ? AfterHoldAsync(hold, () => Decrypt(ciphertextBlob, context)) : Task.FromResult(Decrypt(ciphertextBlob, context));
    }

    private SecretBytes Decrypt(byte[] ciphertextBlob, EncryptionContext context)
    {
        if (DenyDecrypt)
        {
            throw new KeyServiceException("AccessDeniedException", "User is not authorized to perform: kms:Decrypt");
        }
        var arnLength = ciphertextBlob[0];
        var arn = System.Text.Encoding.UTF8.GetString(ciphertextBlob, 1, arnLength);
        if (Disabled.Contains(arn))
        {
            throw new KeyServiceException("DisabledException", $"{arn} is disabled.");
        }
        var body = ciphertextBlob.AsSpan(1 + arnLength);
        var plain = new SecretBytes(body.Length - 28);
        try
        {
            using var aes = new AesGcm(_master, 16);
            aes.Decrypt(body[..12], body[12..^16], body[^16..], plain.UnsafeExposeWritable(), [.. System.Text.Encoding.UTF8.GetBytes(arn), .. context.Canonicalize()]);
        }
        catch (AuthenticationTagMismatchException)
        {
            plain.Dispose();
            throw new KeyServiceException("InvalidCiphertextException", "bad ciphertext or context");
        }
        return plain;
    }

    public Task<(byte[] CiphertextBlob, string KeyArn)> ReEncryptAsync(Caller caller, byte[] ciphertextBlob, EncryptionContext sourceContext, string destinationKeyId, EncryptionContext destinationContext, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<(string GrantId, string GrantToken)> CreateGrantAsync(Caller caller, string keyId, string granteePrincipal, IReadOnlyList<string> operations, IReadOnlyDictionary<string, string>? encryptionContextSubset, string? retiringPrincipal = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task RetireGrantAsync(Caller caller, string keyId, string grantId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    private byte[] Wrap(string arn, ReadOnlySpan<byte> plain, EncryptionContext context)
    {
        var arnBytes = System.Text.Encoding.UTF8.GetBytes(arn);
        var blob = new byte[1 + arnBytes.Length + 12 + plain.Length + 16];
        blob[0] = (byte)arnBytes.Length;
        arnBytes.CopyTo(blob, 1);
        var body = blob.AsSpan(1 + arnBytes.Length);
        RandomNumberGenerator.Fill(body[..12]);
        using var aes = new AesGcm(_master, 16);
        aes.Encrypt(body[..12], plain, body[12..^16], body[^16..], [.. arnBytes, .. context.Canonicalize()]);
        return blob;
    }
}
