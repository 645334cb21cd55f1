using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Dashboard;

/// <summary>"How was this decrypted?" survives a restart: flows are journaled under the data dir.</summary>
public sealed class FlowJournalRestartTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly HttpClient Http = new();

    private async Task<string> FlowJsonAsync(string bucket, string key)
    {
        using var response = await Http.GetAsync($"{server.Endpoint}/_ssesim/api/objects/{bucket}/{key}/flow");
        Assert.True(response.IsSuccessStatusCode, $"flow of {bucket}/{key}: {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task An_objects_last_flow_is_still_shown_after_a_restart()
    {
        var bucket = await server.NewBucketAsync("journal");
        var keyId = await server.NewKmsKeyAsync();
        using (var s3 = server.S3())
        {
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = "kept.txt",
                ContentBody = "before the restart",
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ServerSideEncryptionKeyManagementServiceKeyId = keyId,
            });
            (await s3.GetObjectAsync(bucket, "kept.txt")).Dispose();
        }
        // A GET's trace is filed just after its last body byte goes out: wait for it.
        var before = await FlowJsonAsync(bucket, "kept.txt");
        for (var i = 0; i < 100 && JsonDocument.Parse(before).RootElement.GetProperty("operation").GetString() != "GetObject"; i++)
        {
            await Task.Delay(50);
            before = await FlowJsonAsync(bucket, "kept.txt");
        }
        Assert.Equal("GetObject", JsonDocument.Parse(before).RootElement.GetProperty("operation").GetString());

        await server.RestartAsync();

        var after = await FlowJsonAsync(bucket, "kept.txt");
        Assert.Equal(before, after);
        Assert.True(File.Exists(Path.Combine(server.DataDir, "traces", "flows.jsonl")));
    }
}
