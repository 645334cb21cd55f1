using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Core.Keys;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms.Crypto;
using SseSim.Kms.Faults;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Faults;

public sealed class KmsFaultsTests : IAsyncLifetime
{
    private readonly Queue<double> _draws = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly KmsService _kms;
    private readonly Caller _alice = new(new Identity("AKIDALICE", "secret", "111122223333", "alice"), "us-east-1");
    private string _keyId = "";

    public KmsFaultsTests() =>
        // Draws come from the queue, so each test decides which calls the error rate strikes.
        _kms = new KmsService(new KmsOptions(), new InMemoryStorageProvider(), new RootKey(SecretBytes.Random(32)), _time,
            faultRandom: () => _draws.TryDequeue(out var d) ? d : 0.99);

    public async Task InitializeAsync() =>
        _keyId = (await _kms.InvokeAsync(_alice, "CreateKey", new CreateKeyRequest(), CreateKey.ExecuteAsync)).KeyMetadata.KeyId!;

    public async Task DisposeAsync() => await _kms.DisposeAsync();

    private Task<GenerateDataKeyResponse> GenerateDataKey() =>
        _kms.InvokeAsync(_alice, "GenerateDataKey", new GenerateDataKeyRequest { KeyId = _keyId, KeySpec = "AES_256" }, Operations.GenerateDataKey.ExecuteAsync);

    private Task<EncryptResponse> Encrypt() =>
        _kms.InvokeAsync(_alice, "Encrypt", new EncryptRequest { KeyId = _keyId, Plaintext = [1, 2, 3] }, Operations.Encrypt.ExecuteAsync);

    private async Task<IReadOnlyList<Audit.AuditEvent>> Events(string name)
    {
        await _kms.Audit.FlushAsync();
        return [.. _kms.Audit.Recent().Where(e => e.EventName == name)];
    }

    [Theory]
    [InlineData("ThrottlingException", "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.")]
    [InlineData("KMSInternalException", "The request was rejected because an internal exception occurred. The request can be retried.")]
    [InlineData("DependencyTimeoutException", "The system timed out while trying to fulfill the request. You can retry the request.")]
    public async Task An_injected_error_fails_only_its_operation_with_AWS_wording_and_is_audited(string code, string message)
    {
        _kms.Faults.Set(new KmsFaultSettings { Errors = [new KmsErrorFault("GenerateDataKey", 1.0, code)] });

        var e = await Assert.ThrowsAsync<KmsException>(GenerateDataKey);
        Assert.Equal(code, e.ErrorType);
        Assert.Equal(message, e.Message);
        Assert.True(e.Injected);
        Assert.Equal(code != "ThrottlingException", e.IsServerFault);
        await Encrypt();

        var audited = Assert.Single(await Events("GenerateDataKey"));
        Assert.Equal(code, audited.ErrorCode);
        Assert.Contains($"\"errorCode\":\"{code}\"", audited.Json, StringComparison.Ordinal);
        Assert.Null(Assert.Single(await Events("Encrypt")).ErrorCode);
    }

    [Fact]
    public async Task The_error_rate_strikes_the_calls_whose_draw_falls_below_it()
    {
        _kms.Faults.Set(new KmsFaultSettings { Errors = [new KmsErrorFault(null, 0.2, "ThrottlingException")] });
        foreach (var d in new[] { 0.5, 0.1, 0.19, 0.2, 0.9 })
        {
            _draws.Enqueue(d);
        }
        var outcomes = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            try
            {
                await Encrypt();
                outcomes.Add(true);
            }
            catch (KmsException e) when (e.ErrorType == "ThrottlingException")
            {
                outcomes.Add(false);
            }
        }
        Assert.Equal([true, false, false, true, true], outcomes);
        Assert.Equal(2, (await Events("Encrypt")).Count(e => e.ErrorCode == "ThrottlingException"));
    }

    [Fact]
    public async Task An_operation_entry_wins_over_the_catch_all_and_latency_holds_the_call_at_least_that_long()
    {
        _kms.Faults.Set(new KmsFaultSettings
        {
            Latencies = [new KmsLatencyFault(null, TimeSpan.FromSeconds(1), TimeSpan.Zero), new KmsLatencyFault("Encrypt", TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10))],
        });
        _draws.Enqueue(0.5); // jitter: 5 ms
        var call = Encrypt();
        _time.Advance(TimeSpan.FromMilliseconds(24));
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await call;

        var slow = GenerateDataKey();
        _time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50);
        Assert.False(slow.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await slow;
    }

    [Fact]
    public async Task An_outage_fails_every_call_inside_its_window_only()
    {
        var now = _time.GetUtcNow();
        _kms.Faults.Set(new KmsFaultSettings { Outage = new KmsOutage(now.AddSeconds(10), now.AddSeconds(40), "DependencyTimeoutException") });
        await Encrypt();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("DependencyTimeoutException", (await Assert.ThrowsAsync<KmsException>(Encrypt)).ErrorType);
        Assert.Equal("DependencyTimeoutException", (await Assert.ThrowsAsync<KmsException>(GenerateDataKey)).ErrorType);
        _time.Advance(TimeSpan.FromSeconds(30));
        await Encrypt();
        Assert.Equal(2, (await Events("Encrypt")).Count(e => e.ErrorCode is null));
    }

    [Fact]
    public async Task Services_using_data_keys_see_injected_faults_as_key_service_errors()
    {
        _kms.Faults.Set(new KmsFaultSettings { Errors = [new KmsErrorFault("GenerateDataKey", 1.0, "ThrottlingException")] });
        var keys = new KmsDataKeyService(_kms);
        var e = await Assert.ThrowsAsync<KeyServiceException>(() =>
            keys.GenerateDataKeyAsync(_alice.Via("s3.us-east-1.amazonaws.com"), _keyId, EncryptionContext.From(new Dictionary<string, string> { ["k"] = "v" })));
        Assert.Equal("ThrottlingException", e.ErrorCode);
        _kms.Faults.Clear();
        using var dk = await keys.GenerateDataKeyAsync(_alice.Via("s3.us-east-1.amazonaws.com"), _keyId, EncryptionContext.From(new Dictionary<string, string> { ["k"] = "v" }));
    }

    [Fact]
    public async Task Quotas_can_be_lowered_at_run_time_and_reset()
    {
        _kms.Quotas.Set(_kms.Quotas.Current with { SymmetricRequestsPerSecond = 2 });
        await Encrypt();
        await Encrypt();
        var e = await Assert.ThrowsAsync<KmsException>(Encrypt);
        Assert.Equal("ThrottlingException", e.ErrorType);
        Assert.False(e.Injected);
        _kms.Quotas.Reset();
        Assert.Equal(10_000, _kms.Quotas.Current.SymmetricRequestsPerSecond);
        await Encrypt();
    }

    [Fact]
    public void Invalid_settings_are_refused_and_leave_the_current_ones()
    {
        var good = new KmsFaultSettings { Errors = [new KmsErrorFault(null, 0.1, "KMSInternalException")] };
        _kms.Faults.Set(good);
        Assert.Throws<ArgumentException>(() => _kms.Faults.Set(new KmsFaultSettings { Errors = [new KmsErrorFault(null, 0.1, "AccessDeniedException")] }));
        Assert.Throws<ArgumentException>(() => _kms.Faults.Set(new KmsFaultSettings { Errors = [new KmsErrorFault(null, 1.5, "KMSInternalException")] }));
        Assert.Throws<ArgumentException>(() => _kms.Faults.Set(new KmsFaultSettings { Latencies = [new KmsLatencyFault(null, TimeSpan.FromMilliseconds(-1), TimeSpan.Zero)] }));
        var now = _time.GetUtcNow();
        Assert.Throws<ArgumentException>(() => _kms.Faults.Set(new KmsFaultSettings { Outage = new KmsOutage(now, now, "KMSInternalException") }));
        Assert.Throws<ArgumentException>(() => _kms.Quotas.Set(_kms.Quotas.Current with { RsaRequestsPerSecond = 0 }));
        Assert.Same(good, _kms.Faults.Current);
    }
}
