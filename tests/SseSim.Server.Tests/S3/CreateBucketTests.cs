using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class CreateBucketTests(ServerFixture server)
{
    [Fact]
    public async Task Create_head_location_list_and_delete()
    {
        using var s3 = server.S3();
        var plain = S3Clients.NewBucketName();
        var european = S3Clients.NewBucketName();
        await s3.PutBucketAsync(plain);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = european, BucketRegionName = "eu-central-1" });
        Assert.Equal(S3Region.USEast1, (await s3.GetBucketLocationAsync(plain)).Location);
        Assert.Equal("eu-central-1", (await s3.GetBucketLocationAsync(european)).Location.Value);
        var listed = await s3.ListBucketsAsync();
        Assert.Contains(listed.Buckets, b => b.BucketName == plain);

        // As documented for us-east-1: re-creating a bucket you own is 200 OK; elsewhere BucketAlreadyOwnedByYou.
        await s3.PutBucketAsync(plain);
        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutBucketAsync(new PutBucketRequest { BucketName = european, BucketRegionName = "eu-central-1" }));
        Assert.Equal((System.Net.HttpStatusCode.Conflict, "BucketAlreadyOwnedByYou"), (again.StatusCode, again.ErrorCode));

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = plain, Key = "k", ContentBody = "x" });
        var notEmpty = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(plain));
        Assert.Equal("BucketNotEmpty", notEmpty.ErrorCode);
        await s3.DeleteObjectAsync(plain, "k");
        await s3.DeleteBucketAsync(plain);
        var head = await RawS3.SendAsync(server, HttpMethod.Head, "/" + plain);
        Assert.Equal(404, (int)head.StatusCode);
    }

    [Fact]
    public async Task CreateBucket_outside_us_east_1_answers_an_absolute_Location()
    {
        // AWS: "/bucket" in us-east-1, "http://bucket.s3.amazonaws.com/" elsewhere (aws s3api create-bucket transcripts;
        // LocalStack's get_full_default_bucket_location). Here the URL names this server as the client addressed it.
        var port = new Uri(server.Endpoint).Port;
        var body = "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"u8.ToArray();
        var plain = S3Clients.NewBucketName();
        var pathStyle = S3Clients.NewBucketName();
        var virtualHosted = S3Clients.NewBucketName();
        var created = await RawS3.SendAsync(server, HttpMethod.Put, "/" + plain);
        var path = await RawS3.SendAsync(server, HttpMethod.Put, "/" + pathStyle, body);
        var host = await RawS3.SendAsync(server, HttpMethod.Put, "/", body, host: $"{virtualHosted}.s3.localhost:{port}");
        Assert.Equal((200, "/" + plain), ((int)created.StatusCode, created.Headers.Location?.OriginalString));
        Assert.Equal((200, $"http://{new Uri(server.Endpoint).Authority}/{pathStyle}/"), ((int)path.StatusCode, path.Headers.Location?.OriginalString));
        Assert.Equal((200, $"http://{virtualHosted}.s3.localhost:{port}/"), ((int)host.StatusCode, host.Headers.Location?.OriginalString));
    }

    [Fact]
    public async Task Invalid_bucket_name_is_rejected()
    {
        using var s3 = server.S3();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketAsync("ab"));
        Assert.Equal("InvalidBucketName", e.ErrorCode);
    }

    [Theory]
    [InlineData("xn--punycode-bucket")]
    [InlineData("sthree-bucket")]
    [InlineData("sthree-configurator")]
    [InlineData("amzn-s3-demo-bucket")]
    [InlineData("bucket-s3alias")]
    [InlineData("bucket--ol-s3")]
    [InlineData("bucket.mrap")]
    [InlineData("bucket--table-s3")]
    [InlineData("Upper-case")]
    [InlineData("under_score")]
    [InlineData("two..dots")]
    [InlineData("dot.-dash")]
    [InlineData("dash-.dot")]
    [InlineData("-leading-hyphen")]
    [InlineData("192.168.5.4")]
    public async Task Reserved_and_malformed_bucket_names_are_InvalidBucketName(string name)
    {
        using var s3 = server.S3();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketAsync(name));
        Assert.Equal((System.Net.HttpStatusCode.BadRequest, "InvalidBucketName"), (e.StatusCode, e.ErrorCode));
    }

    [Fact]
    public async Task CreateBucket_answers_the_bucket_ARN_in_every_Region_with_boto3()
    {
        // Real aws s3api create-bucket output for general purpose buckets (us-east-1 and ap-south-1) is Location plus
        // BucketArn, although botocore's model documents BucketArn for directory buckets only.
        var r = await server.RunBoto3Async("""
            out["east"] = s3.create_bucket(Bucket=bucket + "-east").get("BucketArn")
            out["west"] = s3.create_bucket(Bucket=bucket + "-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}).get("BucketArn")
            out["bucket"] = bucket
            """);
        if (r is not { } result)
        {
            return;
        }
        var bucket = result.GetProperty("bucket").GetString();
        Assert.Equal($"arn:aws:s3:::{bucket}-east", result.GetProperty("east").GetString());
        Assert.Equal($"arn:aws:s3:::{bucket}-west", result.GetProperty("west").GetString());
    }

    [Fact]
    public async Task An_unknown_object_ownership_names_the_value_in_the_message_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3BucketOwnershipControls::test_bucket_ownership_controls_exc.
        var r = await server.RunBoto3Async("""
            def details(value):
                try:
                    s3.create_bucket(Bucket=bucket + "-own", ObjectOwnership=value)
                    return None
                except ClientError as e:
                    err = e.response["Error"]
                    return [err["Code"], err["Message"], err.get("ArgumentName"), err.get("ArgumentValue")]
            out["random"] = details("RandomValue")
            out["empty"] = details("")
            """);
        if (r is not { } result)
        {
            return;
        }
        string Row(string name) => string.Join(" | ", result.GetProperty(name).EnumerateArray().Select(e => e.ToString()));
        Assert.Equal("InvalidArgument | Invalid x-amz-object-ownership header: RandomValue | x-amz-object-ownership | ", Row("random"));
        Assert.Equal("InvalidArgument | Invalid x-amz-object-ownership header:  | x-amz-object-ownership | ", Row("empty"));
    }
}
