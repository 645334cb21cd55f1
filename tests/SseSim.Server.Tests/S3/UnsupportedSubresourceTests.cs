namespace SseSim.Server.Tests.S3;

/// <summary>
/// S3 operations SseSim does not simulate answer 501 NotImplemented and change nothing. Object subresources matter most:
/// taken for a plain PUT, RenameObject would create an object.
/// </summary>
[Collection("S3")]
public sealed class UnsupportedSubresourceTests(ServerFixture server)
{
    [Fact]
    public async Task Unsimulated_operations_are_not_implemented_and_lose_nothing()
    {
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="doc", Body=b"original")
            out["rename"] = error(s3.rename_object, Bucket=bucket, Key="renamed", RenameSource="doc")
            out["keys"] = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
            out["abac"] = error(s3.put_bucket_abac, Bucket=bucket, AbacStatus={"Status": "Enabled"})
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal(("NotImplemented", 501), S3Clients.CodeAndStatus(result.GetProperty("rename")));
        Assert.Equal(["doc"], result.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(("NotImplemented", 501), S3Clients.CodeAndStatus(result.GetProperty("abac")));
    }
}
