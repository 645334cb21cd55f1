using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Cryptography;

/// <summary>A KMS on volatile storage and a fake clock, with helpers for the cryptographic operations.</summary>
public sealed class CryptoKit : IAsyncDisposable
{
    public const string Account = "111122223333";

    public CryptoKit(KmsOptions? options = null) =>
        Kms = new KmsService(options ?? new KmsOptions { QuotasEnabled = false }, Storage, new RootKey(SecretBytes.Random(32)), Time);

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public InMemoryStorageProvider Storage { get; } = new();
    public KmsService Kms { get; }
    public Caller Caller { get; } = new(new Identity("AKIDALICE", "secret", Account, "alice"), "us-east-1");

    public Task<TResponse> Call<TRequest, TResponse>(string op, TRequest request, Func<KmsCall, TRequest, ValueTask<TResponse>> handler, Caller? caller = null)
        where TRequest : class => Kms.InvokeAsync(caller ?? Caller, op, request, handler);

    public async Task<KeyMetadata> CreateKeyAsync(string? spec = null, string? usage = null, string? origin = null) =>
        (await Call("CreateKey", new CreateKeyRequest { KeySpec = spec, KeyUsage = usage, Origin = origin }, CreateKey.ExecuteAsync)).KeyMetadata;

    public Task<EncryptResponse> EncryptAsync(string keyId, byte[] plaintext, IReadOnlyDictionary<string, string>? context = null, string? algorithm = null) =>
        Call("Encrypt", new EncryptRequest { KeyId = keyId, Plaintext = plaintext, EncryptionContext = context, EncryptionAlgorithm = algorithm }, Encrypt.ExecuteAsync);

    public Task<DecryptResponse> DecryptAsync(byte[] blob, IReadOnlyDictionary<string, string>? context = null, string? keyId = null, string? algorithm = null) =>
        Call("Decrypt", new DecryptRequest { CiphertextBlob = blob, EncryptionContext = context, KeyId = keyId, EncryptionAlgorithm = algorithm }, Decrypt.ExecuteAsync);

    public ValueTask<KmsKey> SetStateAsync(string keyId, string state) =>
        Kms.UpdateKeyAsync(Kms.Store.FindKey(keyId)!, k => k with { KeyState = state, DeletionDate = state == KeyStates.PendingDeletion ? Time.GetUtcNow().AddDays(30) : null });

    /// <summary>Rotation as the rotation operations do it: new material appended, the last one current.</summary>
    public ValueTask<KmsKey> RotateAsync(string keyId) =>
        Kms.UpdateKeyAsync(Kms.Store.FindKey(keyId)!, k => k with { Materials = [.. k.Materials, Kms.Vault.Generate(k.KeyId, k.KeySpec, "ON_DEMAND")] });

    public static async Task<KmsException> Fails(Func<Task> action) => await Assert.ThrowsAsync<KmsException>(action);

    public static async Task<KmsException> Fails(string errorType, Func<Task> action, string? message = null)
    {
        var e = await Assert.ThrowsAsync<KmsException>(action);
        Assert.Equal(errorType, e.ErrorType);
        if (message is not null)
        {
            Assert.Equal(message, e.Message);
        }
        return e;
    }

    public static Dictionary<string, string> Ctx(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    public async ValueTask DisposeAsync() => await Kms.DisposeAsync();
}
