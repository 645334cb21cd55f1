using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Access.AccessKit;

namespace SseSim.Kms.Tests.Access;

public sealed class RequestQuotasTests : IAsyncLifetime
{
    private readonly AccessKit _kit = new(new KmsOptions { SymmetricRequestsPerSecond = 20, RsaRequestsPerSecond = 5, EccRequestsPerSecond = 0.5 });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private static bool IsThrottle(KmsException e) => e.ErrorType == "ThrottlingException"
        && e.Message == "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.";

    [Fact]
    public async Task A_burst_over_the_rate_is_throttled_and_the_bucket_refills_over_time()
    {
        var key = await _kit.CreateKeyAsync();
        for (var i = 0; i < 20; i++)
        {
            await _kit.GenerateDataKeyAsync(Alice, key.KeyId);
        }
        Assert.True(IsThrottle(await Fails(() => _kit.GenerateDataKeyAsync(Alice, key.KeyId))));

        _kit.Time.Advance(TimeSpan.FromMilliseconds(100));
        await _kit.GenerateDataKeyAsync(Alice, key.KeyId);
        await _kit.GenerateDataKeyAsync(Alice, key.KeyId);
        await Fails(() => _kit.GenerateDataKeyAsync(Alice, key.KeyId));

        _kit.Time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 20; i++)
        {
            await _kit.GenerateDataKeyAsync(Alice, key.KeyId);
        }
        await Fails(() => _kit.GenerateDataKeyAsync(Alice, key.KeyId));
    }

    [Fact]
    public async Task Buckets_are_per_account_and_management_calls_are_not_charged()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(Allow("\"*\"", "\"kms:*\"")));
        for (var i = 0; i < 20; i++)
        {
            await _kit.GenerateDataKeyAsync(Alice, key.KeyId);
        }
        await Fails(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId));
        // Cross-account calls count against the caller's account.
        await _kit.GenerateDataKeyAsync(Carol, key.Arn!);
        for (var i = 0; i < 50; i++)
        {
            await _kit.DescribeAsync(Alice, key.KeyId);
        }
    }

    [Fact]
    public async Task Ed25519_shares_the_ecc_bucket_and_ml_dsa_has_its_own_at_the_rsa_rate()
    {
        var ecc = await _kit.CreateKeyAsync(spec: "ECC_NIST_P256", usage: "SIGN_VERIFY");
        var ed25519 = await _kit.CreateKeyAsync(spec: "ECC_NIST_EDWARDS25519", usage: "SIGN_VERIFY");
        var rsa = await _kit.CreateKeyAsync(spec: "RSA_2048", usage: "SIGN_VERIFY");
        var mlDsa = await _kit.CreateKeyAsync(spec: "ML_DSA_44", usage: "SIGN_VERIFY");
        Task PublicKey(string keyId) => _kit.Call(Alice, "GetPublicKey", new GetPublicKeyRequest { KeyId = keyId }, GetPublicKey.ExecuteAsync);

        await PublicKey(ed25519.KeyId);
        Assert.True(IsThrottle(await Fails(() => PublicKey(ecc.KeyId))));

        for (var i = 0; i < 5; i++)
        {
            await PublicKey(rsa.KeyId);
        }
        await Fails(() => PublicKey(rsa.KeyId));
        for (var i = 0; i < 5; i++)
        {
            await PublicKey(mlDsa.KeyId);
        }
        Assert.True(IsThrottle(await Fails(() => PublicKey(mlDsa.KeyId))));
    }

    [Fact]
    public async Task Rsa_and_ecc_have_their_own_buckets_and_fractional_rates_work()
    {
        var sym = await _kit.CreateKeyAsync();
        var rsa = await _kit.CreateKeyAsync(spec: "RSA_2048", usage: "SIGN_VERIFY");
        var ecc = await _kit.CreateKeyAsync(spec: "ECC_NIST_P256", usage: "SIGN_VERIFY");
        Task PublicKey(string keyId) => _kit.Call(Alice, "GetPublicKey", new GetPublicKeyRequest { KeyId = keyId }, GetPublicKey.ExecuteAsync);

        for (var i = 0; i < 5; i++)
        {
            await PublicKey(rsa.KeyId);
        }
        Assert.True(IsThrottle(await Fails(() => PublicKey(rsa.KeyId))));
        await _kit.GenerateDataKeyAsync(Alice, sym.KeyId);

        await PublicKey(ecc.KeyId);
        await Fails(() => PublicKey(ecc.KeyId));
        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        await Fails(() => PublicKey(ecc.KeyId));
        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        await PublicKey(ecc.KeyId);
    }

    [Fact]
    public async Task Quotas_can_be_switched_off()
    {
        await using var kit = new AccessKit(new KmsOptions { SymmetricRequestsPerSecond = 1, QuotasEnabled = false });
        var key = await kit.CreateKeyAsync();
        for (var i = 0; i < 10; i++)
        {
            await kit.GenerateDataKeyAsync(Alice, key.KeyId);
        }
    }
}
