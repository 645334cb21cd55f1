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

    public LifecycleKit() => Kms = Open();

    public KmsService Open() => new(new KmsOptions(), Storage, new RootKey(RootKeyBytes.Clone()), Time);

    public Task<TResponse> Call<TRequest, TResponse>(string op, TRequest request, Func<KmsCall, TRequest, ValueTask<TResponse>> handler, Caller? caller = null)
        where TRequest : class => Kms.InvokeAsync(caller ?? Caller, op, request, handler);

    public async Task<KeyMetadata> CreateKeyAsync(string? spec = null, string? usage = null) =>
        (await Call("CreateKey", new CreateKeyRequest { KeySpec = spec, KeyUsage = usage }, CreateKey.ExecuteAsync)).KeyMetadata;

    public async Task<KeyMetadata> DescribeAsync(string keyId, Caller? caller = null) =>
        (await Call("DescribeKey", new DescribeKeyRequest { KeyId = keyId }, DescribeKey.ExecuteAsync, caller)).KeyMetadata;

    public static async Task<KmsException> Fails(Func<Task> action) => await Assert.ThrowsAsync<KmsException>(action);

    public async ValueTask DisposeAsync() => await Kms.DisposeAsync();
}
