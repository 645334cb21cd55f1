using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace SseSim.Server.Tests.Kms;

/// <summary>
/// What SseSim does not simulate (custom key stores) answers as AWS does for a store that is not there, and
/// the multi-Region operations refuse single-Region keys, through the AWS SDK for .NET, so its modelled exception types come back.
/// </summary>
public sealed class UnsupportedOperationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task DescribeCustomKeyStores_lists_none_and_every_named_store_is_not_found()
    {
        using var kms = server.Kms();
        var all = await kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest());
        Assert.Empty(all.CustomKeyStores ?? []);
        Assert.False(all.Truncated);
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() =>
            kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreName = "ExampleKeyStore" }));
        await Assert.ThrowsAsync<InvalidMarkerException>(() => kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { Marker = "m" }));

        const string id = "cks-1234567890abcdef0";
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id }));
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => kms.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id }));
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => kms.DeleteCustomKeyStoreAsync(new DeleteCustomKeyStoreRequest { CustomKeyStoreId = id }));
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, NewCustomKeyStoreName = "n" }));
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => kms.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = id }));
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 8, CustomKeyStoreId = id }));
    }

    [Fact]
    public async Task CreateCustomKeyStore_finds_no_cluster_and_reaches_no_proxy()
    {
        using var kms = server.Kms();
        await Assert.ThrowsAsync<CloudHsmClusterNotFoundException>(() => kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
        {
            CustomKeyStoreName = "ExampleKeyStore",
            CloudHsmClusterId = "cluster-234abcdefABC",
            TrustAnchorCertificate = "cert",
            KeyStorePassword = "kmsPswd1",
        }));
        await Assert.ThrowsAsync<XksProxyUriUnreachableException>(() => kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
        {
            CustomKeyStoreName = "ExampleExternalKeyStore",
            CustomKeyStoreType = CustomKeyStoreType.EXTERNAL_KEY_STORE,
            XksProxyConnectivity = XksProxyConnectivityType.PUBLIC_ENDPOINT,
            XksProxyUriEndpoint = "https://myproxy.xks.example.com",
            XksProxyUriPath = "/kms/xks/v1",
            XksProxyAuthenticationCredential = new XksProxyAuthenticationCredentialType { AccessKeyId = "ABCDEFGHIJKLMNOPQRST", RawSecretAccessKey = "DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo=" },
        }));
        await Assert.ThrowsAsync<XksProxyVpcEndpointServiceNotFoundException>(() => kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
        {
            CustomKeyStoreName = "ExampleVpcKeyStore",
            CustomKeyStoreType = CustomKeyStoreType.EXTERNAL_KEY_STORE,
            XksProxyConnectivity = XksProxyConnectivityType.VPC_ENDPOINT_SERVICE,
            XksProxyUriEndpoint = "https://myproxy-private.xks.example.com",
            XksProxyUriPath = "/kms/xks/v1",
            XksProxyVpcEndpointServiceName = "com.amazonaws.vpce.us-east-1.vpce-svc-example1",
            XksProxyAuthenticationCredential = new XksProxyAuthenticationCredentialType { AccessKeyId = "ABCDEFGHIJKLMNOPQRST", RawSecretAccessKey = "DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo=" },
        }));
    }

    [Fact]
    public async Task CreateCustomKeyStore_without_the_members_its_type_requires_is_a_ValidationException()
    {
        using var kms = server.Kms();
        // ValidationException is not a modelled KMS error, so the SDK raises its base exception with the code.
        var cloudHsm = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
        {
            CustomKeyStoreName = "NoCluster",
            KeyStorePassword = "kmsPswd1",
        }));
        Assert.Equal("ValidationException", cloudHsm.ErrorCode);
        Assert.Equal("A custom key store of type AWS_CLOUDHSM requires CloudHsmClusterId, TrustAnchorCertificate.", cloudHsm.Message);
        Assert.DoesNotContain("kmsPswd1", cloudHsm.Message, StringComparison.Ordinal);
        var external = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
        {
            CustomKeyStoreName = "NoProxy",
            CustomKeyStoreType = CustomKeyStoreType.EXTERNAL_KEY_STORE,
            XksProxyConnectivity = XksProxyConnectivityType.VPC_ENDPOINT_SERVICE,
            XksProxyUriPath = "/kms/xks/v1",
        }));
        Assert.Equal("ValidationException", external.ErrorCode);
        Assert.Equal("A custom key store of type EXTERNAL_KEY_STORE with XksProxyConnectivity VPC_ENDPOINT_SERVICE requires "
            + "XksProxyUriEndpoint, XksProxyAuthenticationCredential, XksProxyVpcEndpointServiceName.", external.Message);
    }

    [Fact]
    public async Task UpdateCustomKeyStore_never_echoes_the_key_store_password()
    {
        using var kms = server.Kms();
        // Built at run time: the SDK's analyzer rejects a too-short literal at compile time.
        var password = new string('p', 5);
        var e = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() =>
            kms.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = "cks-1234567890abcdef0", KeyStorePassword = password }));
        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Equal("1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'keyStorePassword' failed to satisfy constraint: Member must have length greater than or equal to 7", e.Message);
        Assert.DoesNotContain(password, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplicateKey_and_UpdatePrimaryRegion_refuse_single_Region_keys_that_exist()
    {
        using var kms = server.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var e = await Assert.ThrowsAsync<UnsupportedOperationException>(() => kms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = key.KeyId, ReplicaRegion = "us-west-2" }));
        Assert.Contains(key.Arn, e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => kms.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = key.KeyId, PrimaryRegion = "us-west-2" }));
        await Assert.ThrowsAsync<NotFoundException>(() => kms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = Guid.NewGuid().ToString(), ReplicaRegion = "us-west-2" }));
        var invalid = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() =>
            kms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = key.KeyId, ReplicaRegion = new string('M', 4) }));
        Assert.Equal("ValidationException", invalid.ErrorCode);
    }
}
