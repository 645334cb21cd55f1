using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms.Crypto;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

/// <summary>A KMS on volatile storage and a fake clock, with a caller in account 111122223333.</summary>
public sealed class LifecycleKit : IAsyncDisposable
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public InMemoryStorageProvider Storage { get; } = new();
    public SecretBytes RootKeyBytes { get; } = SecretBytes.Random(32);
    public KmsService Kms { get; }
    public Caller Caller { get; } = new(new Identity("AKIDALICE", "secret", "111122223333", "alice"), "us-east-1");
    public Caller Stranger { get; } = new(new Identity("AKIDMALLORY", "secret", "999988887777", "mallory"), "us-east-1");

    /// <summary>Alice again, signing for us-west-2: she sees that Region's multi-Region copies.</summary>
    public Caller West => Caller with { Region = "us-west-2" };

    public LifecycleKit() => Kms = Open();

    public KmsService Open() => new(new KmsOptions(), Storage, new RootKey(RootKeyBytes.Clone()), Time);

    public Task<TResponse> Call<TRequest, TResponse>(string op, TRequest request, Func<KmsCall, TRequest, ValueTask<TResponse>> handler, Caller? caller = null)
        where TRequest : class => Kms.InvokeAsync(caller ?? Caller, op, request, handler);

    public async Task<KeyMetadata> CreateKeyAsync(string? spec = null, string? usage = null) =>
        (await Call("CreateKey", new CreateKeyRequest { KeySpec = spec, KeyUsage = usage }, CreateKey.ExecuteAsync)).KeyMetadata;

    public async Task<KeyMetadata> DescribeAsync(string keyId, Caller? caller = null) =>
        (await Call("DescribeKey", new DescribeKeyRequest { KeyId = keyId }, DescribeKey.ExecuteAsync, caller)).KeyMetadata;

    /// <summary>A multi-Region primary in <paramref name="caller"/>'s Region (us-east-1 by default).</summary>
    public async Task<KeyMetadata> CreateMultiRegionKeyAsync(string? spec = null, string? usage = null, Caller? caller = null) =>
        (await Call("CreateKey", new CreateKeyRequest { KeySpec = spec, KeyUsage = usage, MultiRegion = true, Description = "primary" }, CreateKey.ExecuteAsync, caller)).KeyMetadata;

    public Task<ReplicateKeyResponse> ReplicateAsync(string keyId, string region = "us-west-2", Caller? caller = null, string? description = null, IReadOnlyList<Tag>? tags = null) =>
        Call("ReplicateKey", new ReplicateKeyRequest { KeyId = keyId, ReplicaRegion = region, Description = description, Tags = tags }, ReplicateKey.ExecuteAsync, caller);

    public static async Task<KmsException> Fails(Func<Task> action) => await Assert.ThrowsAsync<KmsException>(action);

    public async ValueTask DisposeAsync() => await Kms.DisposeAsync();
}
