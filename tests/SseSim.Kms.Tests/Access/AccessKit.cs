using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Access;

/// <summary>A KMS on volatile storage and a fake clock, with identities in two accounts.</summary>
public sealed class AccessKit : IAsyncDisposable
{
    public const string Account1 = "111122223333";
    public const string Account2 = "444455556666";

    public static readonly Identity Alice = new("AKIDALICE", "secret", Account1, "alice");
    public static readonly Identity Bob = new("AKIDBOB", "secret", Account1, "bob");
    public static readonly Identity Root1 = new("AKIDROOT1", "secret", Account1, "root");
    public static readonly Identity Carol = new("AKIDCAROL", "secret", Account2, "carol");

    public AccessKit(KmsOptions? options = null)
    {
        Options = options ?? new KmsOptions();
        Kms = Open();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public InMemoryStorageProvider Storage { get; } = new();
    public SecretBytes RootKeyBytes { get; } = SecretBytes.Random(32);
    public KmsOptions Options { get; }
    public KmsService Kms { get; private set; }

    public KmsService Open() => new(Options, Storage, new RootKey(RootKeyBytes.Clone()), Time);

    public async Task RestartAsync()
    {
        await Kms.DisposeAsync();
        Kms = Open();
    }

    public static Caller As(Identity identity, string? via = null) => new(identity, "us-east-1", "203.0.113.9", "test-agent", via);

    public Task<TResponse> Call<TRequest, TResponse>(Identity who, string op, TRequest request, Func<KmsCall, TRequest, ValueTask<TResponse>> handler, string? via = null)
        where TRequest : class => Kms.InvokeAsync(As(who, via), op, request, handler);

    public async Task<KeyMetadata> CreateKeyAsync(Identity? owner = null, string? policy = null, string? spec = null, string? usage = null, bool bypass = false) =>
        (await Call(owner ?? Alice, "CreateKey", new CreateKeyRequest { Policy = policy, KeySpec = spec, KeyUsage = usage, BypassPolicyLockoutSafetyCheck = bypass ? true : null }, CreateKey.ExecuteAsync)).KeyMetadata;

    public Task<DescribeKeyResponse> DescribeAsync(Identity who, string keyId, string? via = null, IReadOnlyList<string>? grantTokens = null) =>
        Call(who, "DescribeKey", new DescribeKeyRequest { KeyId = keyId, GrantTokens = grantTokens }, DescribeKey.ExecuteAsync, via);

    public Task<GenerateDataKeyResponse> GenerateDataKeyAsync(Identity who, string keyId, IReadOnlyDictionary<string, string>? context = null,
        string? via = null, IReadOnlyList<string>? grantTokens = null) =>
        Call(who, "GenerateDataKey", new GenerateDataKeyRequest { KeyId = keyId, NumberOfBytes = 32, EncryptionContext = context, GrantTokens = grantTokens },
            GenerateDataKey.ExecuteAsync, via);

    public Task<CreateGrantResponse> CreateGrantAsync(Identity who, string keyId, string grantee, IReadOnlyList<string> operations,
        GrantConstraints? constraints = null, string? retiring = null, string? name = null, string? via = null, IReadOnlyList<string>? grantTokens = null) =>
        Call(who, "CreateGrant", new CreateGrantRequest
        {
            KeyId = keyId,
            GranteePrincipal = grantee,
            Operations = operations,
            Constraints = constraints,
            RetiringPrincipal = retiring,
            Name = name,
            GrantTokens = grantTokens,
        }, CreateGrant.ExecuteAsync, via);

    public Task PutPolicyAsync(Identity who, string keyId, string policy, bool bypass = false) =>
        Call(who, "PutKeyPolicy", new PutKeyPolicyRequest { KeyId = keyId, Policy = policy, BypassPolicyLockoutSafetyCheck = bypass ? true : null }, PutKeyPolicy.ExecuteAsync);

    public static async Task<KmsException> Fails(Func<Task> action) => await Assert.ThrowsAsync<KmsException>(action);

    public static async Task<KmsException> Denied(Func<Task> action)
    {
        var e = await Fails(action);
        Assert.Equal("AccessDeniedException", e.ErrorType);
        return e;
    }

    /// <summary>A policy document from statements, with the admin statement that keeps PutKeyPolicy for the account.</summary>
    public static string Policy(params string[] statements) =>
        $$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", statements.Prepend(Admin))}}]}""";

    /// <summary>A policy document with exactly these statements.</summary>
    public static string Bare(params string[] statements) =>
        $$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", statements)}}]}""";

    public const string Admin = $$"""{"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account1}}:user/alice"},"Action":"kms:*","Resource":"*"}""";

    public static string Allow(string principal, string action, string? condition = null) => Statement("Allow", principal, action, condition);

    public static string Deny(string principal, string action, string? condition = null) => Statement("Deny", principal, action, condition);

    private static string Statement(string effect, string principal, string action, string? condition) =>
        $$"""{"Effect":"{{effect}}","Principal":{{principal}},"Action":{{action}},"Resource":"*"{{(condition is null ? "" : ",\"Condition\":" + condition)}}}""";

    public async ValueTask DisposeAsync() => await Kms.DisposeAsync();
}
