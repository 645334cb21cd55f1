using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>PUT ?requestPayment with boto3: BucketOwner, what every bucket is, succeeds; Requester Pays is NotImplemented.</summary>
[Collection("S3")]
public sealed class PutBucketRequestPaymentTests(ServerFixture server)
{
    [Fact]
    public async Task BucketOwner_is_accepted_and_requester_pays_is_not_implemented()
    {
        var output = await server.RunBoto3Async("""
out["owner"] = error(s3.put_bucket_request_payment, Bucket=bucket, RequestPaymentConfiguration={"Payer": "BucketOwner"})
out["payer"] = s3.get_bucket_request_payment(Bucket=bucket)["Payer"]
out["requester"] = error(s3.put_bucket_request_payment, Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
out["bogus"] = error(s3.put_bucket_request_payment, Bucket=bucket, RequestPaymentConfiguration={"Payer": "Nobody"})
""");
        if (output is not { } o)
        {
            return;
        }
        Assert.Equal(JsonValueKind.Null, o.GetProperty("owner").ValueKind);
        Assert.Equal("BucketOwner", o.GetProperty("payer").GetString());
        Assert.Equal(("NotImplemented", 501), S3Clients.CodeAndStatus(o.GetProperty("requester")));
        Assert.Equal(("MalformedXML", 400), S3Clients.CodeAndStatus(o.GetProperty("bogus")));
    }
}
