namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class DeleteObjectTests(ServerFixture server)
{
    [Fact]
    public async Task Delete_is_204_and_idempotent()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var first = await s3.DeleteObjectAsync(bucket, "k");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, first.HttpStatusCode);
        var again = await s3.DeleteObjectAsync(bucket, "k");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, again.HttpStatusCode);
    }
}
