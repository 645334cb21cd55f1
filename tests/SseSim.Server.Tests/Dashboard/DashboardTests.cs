using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Kms;
using SseSim.Server.Auth;
using SseSim.Server.Tests.S3;
using ObjectStore = SseSim.Objects.ObjectStore;

namespace SseSim.Server.Tests.Dashboard;

/// <summary>The dashboard's JSON API and traces against the real in-process server, driven by real clients.</summary>
public sealed class DashboardTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly HttpClient Http = new();

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(server.Endpoint + "/_ssesim/api/" + path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>
    /// The object's last flow once it is <paramref name="operation"/>: a GET's trace completes after its last body
    /// byte is sent, so the client can ask a moment before the server has filed it.
    /// </summary>
    private async Task<JsonElement> FlowAsync(string bucket, string key, string operation)
    {
        for (var attempt = 0; ; attempt++)
        {
            using (var response = await Http.GetAsync($"{server.Endpoint}/_ssesim/api/objects/{bucket}/{key}/flow"))
            {
                if (response.IsSuccessStatusCode)
                {
                    var flow = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                    if (flow.GetProperty("operation").GetString() == operation)
                    {
                        return flow;
                    }
                }
            }
            if (attempt == 100)
            {
                return await GetJsonAsync($"objects/{bucket}/{key}/flow");
            }
            await Task.Delay(50);
        }
    }

    private static JsonElement Step(JsonElement trace, string name) =>
        trace.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    private static string[] StepNames(JsonElement trace) =>
        [.. trace.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()!)];

    [Fact]
    public async Task A_get_flow_shows_the_real_kms_decrypt_with_its_context_and_audit_event()
    {
        var bucket = await server.NewBucketAsync("dash");
        var keyId = await server.NewKmsKeyAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "dir/report.txt",
            ContentBody = "quarterly numbers",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyId,
        });
        using (var got = await s3.GetObjectAsync(bucket, "dir/report.txt"))
        {
            using var reader = new StreamReader(got.ResponseStream);
            Assert.Equal("quarterly numbers", await reader.ReadToEndAsync());
        }

        var flow = await FlowAsync(bucket, "dir/report.txt", "GetObject");
        Assert.Equal("GetObject", flow.GetProperty("operation").GetString());
        Assert.Equal(["s3:GetObject", "kms:Decrypt", "key:in-memory", "envelope:decrypt", "key:zeroed"], StepNames(flow));
        var decrypt = Step(flow, "kms:Decrypt");
        var fields = decrypt.GetProperty("fields");
        Assert.Equal($"{{\"aws:s3:arn\":\"arn:aws:s3:::{bucket}/dir/report.txt\"}}", fields.GetProperty("encryptionContext").GetString());
        Assert.EndsWith(keyId, fields.GetProperty("keyArn").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", Step(flow, "envelope:decrypt").GetProperty("fields").GetProperty("segments").GetString());

        // The step cites the CloudTrail event of that very Decrypt.
        var eventId = decrypt.GetProperty("kmsEventId").GetString()!;
        await server.Services.GetRequiredService<KmsService>().Audit.FlushAsync();
        var audit = await GetJsonAsync($"audit?bucket={bucket}");
        var ev = audit.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("eventID").GetString() == eventId);
        Assert.Equal("Decrypt", ev.GetProperty("eventName").GetString());
        Assert.Equal($"arn:aws:s3:::{bucket}/dir/report.txt", ev.GetProperty("requestParameters").GetProperty("encryptionContext").GetProperty("aws:s3:arn").GetString());

        // The object listing names its key ARN, context and envelope.
        var buckets = await GetJsonAsync("buckets");
        var listed = buckets.GetProperty("buckets").EnumerateArray().Single(b => b.GetProperty("name").GetString() == bucket)
            .GetProperty("objects").EnumerateArray().Single();
        Assert.EndsWith(keyId, listed.GetProperty("keyArn").GetString(), StringComparison.Ordinal);
        Assert.Equal("SSE-KMS", listed.GetProperty("sseMode").GetString());
        Assert.True(listed.GetProperty("wrappedKeyBytes").GetInt32() > 32);
        var detail = await GetJsonAsync($"objects/{bucket}/dir/report.txt");
        var header = detail.GetProperty("envelope")[0];
        Assert.Equal(1, header.GetProperty("version").GetInt32());
        Assert.Equal(1, header.GetProperty("segments").GetInt64());

        // The key's hierarchy hangs the object under the material version that wrapped its data key.
        var hierarchy = await GetJsonAsync($"keys/{keyId}/hierarchy");
        var material = hierarchy.GetProperty("materials").EnumerateArray().Single();
        Assert.Contains(material.GetProperty("dependents").EnumerateArray(), d => d.GetProperty("name").GetString() == $"s3://{bucket}/dir/report.txt");
        Assert.Equal(listed.GetProperty("keyMaterialId").GetString(), material.GetProperty("id").GetString());

        var keys = await GetJsonAsync("keys");
        var key = keys.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == keyId);
        Assert.Equal(1, key.GetProperty("dataKeysIssued").GetInt32());
        Assert.Equal(1, key.GetProperty("dataKeysUnwrapped").GetInt32());
        Assert.Equal("CUSTOMER_MANAGED", key.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Each_copy_of_a_multi_Region_key_lists_only_the_aliases_of_its_Region()
    {
        var r = await server.RunBoto3Async("""
            east = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            west = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-west-2")
            key = east.create_key(MultiRegion=True)["KeyMetadata"]
            west_arn = east.replicate_key(KeyId=key["KeyId"], ReplicaRegion="us-west-2")["ReplicaKeyMetadata"]["Arn"]
            east.create_alias(AliasName="alias/dash-east", TargetKeyId=key["KeyId"])
            west.create_alias(AliasName="alias/dash-west", TargetKeyId=key["KeyId"])
            out["east"], out["west"] = key["Arn"], west_arn
            """);
        if (r is not { } result)
        {
            return;
        }
        var keys = (await GetJsonAsync("keys")).GetProperty("keys").EnumerateArray().ToList();
        string Aliases(string arn) => keys.Single(k => k.GetProperty("arn").GetString() == arn).GetProperty("aliases").GetRawText();
        Assert.Equal("""["alias/dash-east"]""", Aliases(result.GetProperty("east").GetString()!));
        Assert.Equal("""["alias/dash-west"]""", Aliases(result.GetProperty("west").GetString()!));
    }

    [Fact]
    public async Task A_request_with_the_trace_header_gets_a_trace_id_and_its_steps()
    {
        var bucket = await server.NewBucketAsync("dash");
        var keyId = await server.NewKmsKeyAsync();
        using var response = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/traced", Encoding.UTF8.GetBytes("body"), new Dictionary<string, string>
        {
            ["x-ssesim-trace"] = "1",
            ["x-amz-server-side-encryption"] = "aws:kms",
            ["x-amz-server-side-encryption-aws-kms-key-id"] = keyId,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = response.Headers.GetValues("x-ssesim-trace-id").Single();

        var trace = await GetJsonAsync("traces/" + id);
        Assert.Equal(["s3:PutObject", "kms:GenerateDataKey", "key:in-memory", "envelope:encrypt", "key:zeroed", "s3:committed"], StepNames(trace));
        var eventId = Step(trace, "kms:GenerateDataKey").GetProperty("kmsEventId").GetString();
        Assert.False(string.IsNullOrEmpty(eventId));

        // The same steps come back in a response header, each KMS step with its audit event id.
        var steps = response.Headers.GetValues("x-ssesim-trace-steps").Single().Split(',');
        Assert.Equal(StepNames(trace), steps.Select(s => s.Split(';')[0]));
        Assert.StartsWith($"kms:GenerateDataKey;event={eventId};ms=", steps[1], StringComparison.Ordinal);

        using var untraced = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/traced");
        Assert.False(untraced.Headers.Contains("x-ssesim-trace-id"));
    }

    [Fact]
    public async Task With_a_bucket_key_the_second_put_is_a_cache_hit_that_skips_kms()
    {
        var bucket = await server.NewBucketAsync("dash");
        var keyId = await server.NewKmsKeyAsync();
        using var s3 = server.S3();
        foreach (var name in new[] { "one", "two" })
        {
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = name,
                ContentBody = name,
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ServerSideEncryptionKeyManagementServiceKeyId = keyId,
                BucketKeyEnabled = true,
            });
        }
        var first = await FlowAsync(bucket, "one", "PutObject");
        var second = await FlowAsync(bucket, "two", "PutObject");
        Assert.Contains("kms:GenerateDataKey", StepNames(first));
        Assert.DoesNotContain(StepNames(second), n => n.StartsWith("kms:", StringComparison.Ordinal));
        Assert.Contains("bucket-key:cache-hit", StepNames(second));
    }

    [Fact]
    public async Task No_data_key_bytes_reach_a_trace_or_the_api()
    {
        var bucket = await server.NewBucketAsync("dash");
        var keyId = await server.NewKmsKeyAsync();
        using var response = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/secret", Encoding.UTF8.GetBytes("top secret"), new Dictionary<string, string>
        {
            ["x-ssesim-trace"] = "1",
            ["x-amz-server-side-encryption"] = "aws:kms",
            ["x-amz-server-side-encryption-aws-kms-key-id"] = keyId,
        });
        var traceId = response.Headers.GetValues("x-ssesim-trace-id").Single();
        using var get = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/secret");
        Assert.Equal("top secret", await get.Content.ReadAsStringAsync());

        // Recover the object's real plaintext data key behind the wire, the way S3 does, to look for it.
        var inspected = server.Services.GetRequiredService<ObjectStore>().InspectObject(bucket, "secret")!;
        var identity = server.Services.GetRequiredService<IdentityRegistry>().Find("test")!;
        var dataKeys = new KmsDataKeyService(server.Services.GetRequiredService<KmsService>());
        using var plaintext = await dataKeys.DecryptAsync(new Caller(identity, "us-east-1").Via("s3.amazonaws.com"), inspected.WrappedKey!,
            EncryptionContext.From(inspected.EncryptionContext));
        var key = plaintext.UnsafeExpose().ToArray();
        string[] forms =
        [
            Convert.ToHexStringLower(key), Convert.ToHexString(key), Convert.ToBase64String(key), Convert.ToBase64String(inspected.WrappedKey!),
            Convert.ToHexStringLower(inspected.WrappedKey!),
        ];

        var texts = new List<string> { (await FlowAsync(bucket, "secret", "GetObject")).GetRawText() };
        foreach (var path in new[] { "traces/" + traceId, $"objects/{bucket}/secret/flow", $"objects/{bucket}/secret", "buckets", "keys", "audit?limit=1000" })
        {
            texts.Add((await GetJsonAsync(path)).GetRawText());
        }
        foreach (var text in texts)
        {
            foreach (var form in forms)
            {
                Assert.DoesNotContain(form, text, StringComparison.Ordinal);
            }
        }
        Assert.Contains(texts, t => t.Contains("kms:Decrypt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_api_is_read_only_and_answers_404_for_unknown_things()
    {
        using var post = await Http.PostAsync(server.Endpoint + "/_ssesim/api/keys", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        using var missing = await Http.GetAsync(server.Endpoint + "/_ssesim/api/objects/no-such-bucket/x/flow");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var page = await Http.GetAsync(server.Endpoint + "/_ssesim/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_volume_flow_shows_create_attach_and_detach_with_the_key_in_memory_only_while_attached()
    {
        Assert.True(AwsCli.Available, "the aws CLI must be installed");
        var work = Directory.CreateTempSubdirectory("sseSim-dash-").FullName;
        var instance = (await Aws(work, "ec2", "run-instances", "--image-id", "ami-12345678", "--count", "1", "--query", "Instances[0].InstanceId", "--output", "text")).Trim();
        var volumeId = (await Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1", "--encrypted", "--query", "VolumeId", "--output", "text")).Trim();
        await Aws(work, "ec2", "attach-volume", "--volume-id", volumeId, "--instance-id", instance, "--device", "/dev/sdf");
        Assert.True(KeyInMemory(await GetJsonAsync("volumes"), volumeId));
        await Aws(work, "ec2", "detach-volume", "--volume-id", volumeId);
        Assert.False(KeyInMemory(await GetJsonAsync("volumes"), volumeId));

        var flow = await GetJsonAsync($"volumes/{volumeId}/flow");
        var flows = flow.GetProperty("flows").EnumerateArray().ToArray();
        Assert.Equal(["CreateVolume", "AttachVolume", "DetachVolume"], flows.Select(f => f.GetProperty("operation").GetString()));
        Assert.Contains("kms:GenerateDataKeyWithoutPlaintext", StepNames(flows[0]));
        Assert.Equal(["ec2:AttachVolume", "kms:CreateGrant", "kms:Decrypt", "key:in-memory"], StepNames(flows[1]));
        Assert.Equal($"{{\"aws:ebs:id\":\"{volumeId}\"}}", Step(flows[1], "kms:Decrypt").GetProperty("fields").GetProperty("encryptionContext").GetString());
        Assert.Equal(["ec2:DetachVolume", "key:zeroed", "kms:RetireGrant"], StepNames(flows[2]));
    }

    private static bool KeyInMemory(JsonElement volumes, string volumeId) =>
        volumes.GetProperty("volumes").EnumerateArray().Single(v => v.GetProperty("volumeId").GetString() == volumeId).GetProperty("keyInMemory").GetBoolean();

    private async Task<string> Aws(string work, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, work, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }
}
