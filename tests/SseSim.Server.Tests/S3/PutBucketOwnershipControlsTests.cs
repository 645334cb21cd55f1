using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>PUT ?ownershipControls with boto3: BucketOwnerEnforced, what every bucket is, succeeds; the ACL-based settings are NotImplemented.</summary>
[Collection("S3")]
public sealed class PutBucketOwnershipControlsTests(ServerFixture server)
{
    [Fact]
    public async Task BucketOwnerEnforced_is_accepted_and_the_other_settings_are_not_implemented()
    {
        var output = await server.RunBoto3Async("""
def put(value, b=None):
    return error(s3.put_bucket_ownership_controls, Bucket=b or bucket, OwnershipControls={"Rules": [{"ObjectOwnership": value}]})
out["enforced"] = put("BucketOwnerEnforced")
out["rules"] = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
out["preferred"] = put("BucketOwnerPreferred")
out["writer"] = put("ObjectWriter")
out["bogus"] = put("Bogus")
out["absent"] = put("BucketOwnerEnforced", bucket + "-absent")
# ACLs stay disabled after the put.
out["acl"] = error(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ACL="public-read")
""");
        if (output is not { } o)
        {
            return;
        }
        Assert.Equal(JsonValueKind.Null, o.GetProperty("enforced").ValueKind);
        Assert.Equal("BucketOwnerEnforced", o.GetProperty("rules")[0].GetProperty("ObjectOwnership").GetString());
        Assert.Equal(("NotImplemented", 501), S3Clients.CodeAndStatus(o.GetProperty("preferred")));
        Assert.Equal(("NotImplemented", 501), S3Clients.CodeAndStatus(o.GetProperty("writer")));
        Assert.Equal(("MalformedXML", 400), S3Clients.CodeAndStatus(o.GetProperty("bogus")));
        Assert.Equal(("NoSuchBucket", 404), S3Clients.CodeAndStatus(o.GetProperty("absent")));
        Assert.Equal(("AccessControlListNotSupported", 400), S3Clients.CodeAndStatus(o.GetProperty("acl")));
    }
}
