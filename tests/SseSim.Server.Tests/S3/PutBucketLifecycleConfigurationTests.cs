namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class PutBucketLifecycleConfigurationTests(ServerFixture server)
{
    [Fact]
    public async Task A_transition_date_not_at_midnight_utc_is_InvalidArgument_like_an_expiration_date()
    {
        var r = await server.RunBoto3Async("""
            def put(rule):
                return error(s3.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
            base = {"ID": "t", "Status": "Enabled", "Filter": {"Prefix": "p/"}}
            out["transitionNoon"] = put(base | {"Transitions": [{"Date": "2030-01-01T12:00:00Z", "StorageClass": "GLACIER"}]})
            out["expirationNoon"] = put(base | {"Expiration": {"Date": "2030-01-01T12:00:00Z"}})
            out["transitionMidnight"] = put(base | {"Transitions": [{"Date": "2030-01-01T00:00:00Z", "StorageClass": "GLACIER"}]})
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidArgument 400", result.Outcome("transitionNoon"));
        Assert.Equal("InvalidArgument 400", result.Outcome("expirationNoon"));
        Assert.Equal("ok", result.Outcome("transitionMidnight"));
    }
}
