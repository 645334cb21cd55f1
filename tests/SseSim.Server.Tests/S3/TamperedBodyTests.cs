using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>Stored ciphertext that fails authentication mid-body aborts the connection: never a short 200.</summary>
[Collection("S3")]
public sealed class TamperedBodyTests(ServerFixture server)
{
    [Fact]
    public async Task Corrupted_segment_after_headers_aborts_the_response()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var started = DateTime.UtcNow.AddSeconds(-1);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "victim", InputStream = new MemoryStream(S3Clients.RandomBytes(1_000_000)) });
        var file = new DirectoryInfo(Path.Combine(server.DataDir, "objects")).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Length > 1_000_000 && f.LastWriteTimeUtc >= started)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .First();
        await using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length - 300_000; // a segment well after the first bytes of the response
            var b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 0x40));
        }

        using var response = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/victim", completeHeadersOnly: true);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.CopyToAsync(Stream.Null);
        });
    }
}
