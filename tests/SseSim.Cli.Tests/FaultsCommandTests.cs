using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SseSim.Cli.Commands;
using SseSim.Core.Faults;
using SseSim.Kms;
using SseSim.Server.Tests;

namespace SseSim.Cli.Tests;

/// <summary>`ssesim faults` against the real server in-process, signing its admin calls as the installed tool does.</summary>
public sealed class FaultsCommandTests(ServerFixture server) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Run("clear");

    private async Task<(int Code, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        var code = await new FaultsCommand().RunAsync([.. args, "--endpoint-url", server.Endpoint], output, CancellationToken.None);
        return (code, output.ToString());
    }

    private KmsService Kms => server.Services.GetRequiredService<KmsService>();

    [Fact]
    public async Task Set_adds_up_show_reads_and_clear_removes_everything()
    {
        Assert.Equal(0, (await Run("set", "--kms-latency", "20ms", "--jitter", "5ms", "--operation", "GenerateDataKey")).Code);
        Assert.Equal(0, (await Run("set", "--kms-latency", "1.5s")).Code);
        Assert.Equal(0, (await Run("set", "--kms-error-rate", "0.1", "--error-code", "ThrottlingException")).Code);
        Assert.Equal(0, (await Run("set", "--outage", "30s", "--outage-error", "DependencyTimeoutException")).Code);
        Assert.Equal(0, (await Run("set", "--quota-symmetric", "5", "--quota-rsa=50")).Code);
        var (code, output) = await Run("set", "--volume-latency", "2ms", "--volume-jitter", "500us");
        Assert.Equal(0, code);

        var faults = Kms.Faults.Current;
        Assert.Equal(2, faults.Latencies.Count);
        var gdk = Assert.Single(faults.Latencies, l => l.Operation == "GenerateDataKey");
        Assert.Equal((TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(5)), (gdk.Latency, gdk.Jitter));
        Assert.Equal(TimeSpan.FromSeconds(1.5), Assert.Single(faults.Latencies, l => l.Operation is null).Latency);
        var error = Assert.Single(faults.Errors);
        Assert.Equal((null, 0.1, "ThrottlingException"), (error.Operation, error.Rate, error.ErrorCode));
        Assert.Equal(TimeSpan.FromSeconds(30), faults.Outage!.End - faults.Outage.Start);
        Assert.Equal("DependencyTimeoutException", faults.Outage.ErrorCode);
        Assert.Equal(5, Kms.Quotas.Current.SymmetricRequestsPerSecond);
        Assert.Equal(50, Kms.Quotas.Current.RsaRequestsPerSecond);
        var volume = server.Services.GetRequiredService<IoLatencyFault>().Current!;
        Assert.Equal((TimeSpan.FromMilliseconds(2), TimeSpan.FromMicroseconds(500)), (volume.Latency, volume.Jitter));

        // The printed document is what the server now holds.
        var shown = JsonSerializer.Deserialize<FaultsDocument>((await Run("show")).Output, FaultsDocument.Json)!;
        Assert.Equal(output.Trim(), (await Run("show")).Output.Trim());
        Assert.Equal(2, shown.Kms!.Latency!.Count);

        Assert.Equal(0, (await Run("set", "--kms-latency", "0", "--operation", "GenerateDataKey")).Code);
        Assert.Null(Assert.Single(Kms.Faults.Current.Latencies).Operation);

        Assert.Equal(0, (await Run("clear")).Code);
        Assert.True(Kms.Faults.Current.IsEmpty);
        Assert.Equal(10_000, Kms.Quotas.Current.SymmetricRequestsPerSecond);
        Assert.Null(server.Services.GetRequiredService<IoLatencyFault>().Current);
    }

    [Fact]
    public async Task An_injected_error_set_from_the_CLI_reaches_an_SDK_client()
    {
        using var kms = server.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        Assert.Equal(0, (await Run("set", "--kms-error-rate", "1", "--error-code", "KMSInternalException", "--operation", "Encrypt")).Code);
        await Assert.ThrowsAsync<KMSInternalException>(() => kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1]) }));
        await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key });
        Assert.Equal(0, (await Run("set", "--kms-error-rate", "0", "--operation", "Encrypt")).Code);
        await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1]) });
    }

    [Fact]
    public async Task Errors_are_reported_with_exit_codes()
    {
        var (code, output) = await Run("show", "--access-key", "nobody", "--secret-key", "x");
        Assert.Equal(1, code);
        Assert.Contains("403", output, StringComparison.Ordinal);
        Assert.Contains("UnrecognizedClientException", output, StringComparison.Ordinal);

        (code, output) = await Run("set", "--kms-error-rate", "0.5", "--error-code", "AccessDeniedException");
        Assert.Equal(1, code);
        Assert.Contains("ValidationException", output, StringComparison.Ordinal);

        Assert.Equal(2, (await Run("set", "--kms-latency", "fast")).Code);
        Assert.Equal(2, (await Run("set")).Code);
        Assert.Equal(2, (await Run("reboot")).Code);
        Assert.True(Kms.Faults.Current.IsEmpty);
    }

    [Fact]
    public void Durations_take_units_and_bare_numbers_use_the_option_default()
    {
        Assert.Equal(0.25, FaultsCommand.Milliseconds("250us", "x"));
        Assert.Equal(20, FaultsCommand.Milliseconds("20ms", "x"));
        Assert.Equal(1500, FaultsCommand.Milliseconds("1.5s", "x"));
        Assert.Equal(120_000, FaultsCommand.Milliseconds("2m", "x"));
        Assert.Equal(7, FaultsCommand.Milliseconds("7", "x"));
        Assert.Equal(30_000, FaultsCommand.Milliseconds("30", "outage", bareUnit: "s"));
        Assert.Throws<ArgumentException>(() => FaultsCommand.Milliseconds("-1ms", "x"));
        Assert.Throws<ArgumentException>(() => FaultsCommand.Milliseconds("3 days", "x"));
    }
}
