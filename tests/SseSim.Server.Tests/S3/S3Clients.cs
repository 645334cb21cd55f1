using System.Diagnostics;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Minio;

namespace SseSim.Server.Tests.S3;

/// <summary>All S3 test classes share one server (and run one after another: 2 cores, and a faster suite).</summary>
[CollectionDefinition("S3")]
public sealed class S3Collection : ICollectionFixture<ServerFixture>;

/// <summary>Real S3 clients pointed at the test server, as users configure them.</summary>
public static class S3Clients
{
    public static AmazonS3Client S3(this ServerFixture server, string accessKey = "test", string secretKey = "test") =>
        new(new BasicAWSCredentials(accessKey, secretKey), new AmazonS3Config
        {
            ServiceURL = server.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    public static IMinioClient Minio(this ServerFixture server)
    {
        var uri = new Uri(server.Endpoint);
        return new MinioClient().WithEndpoint(uri.Host, uri.Port).WithCredentials("test", "test").WithRegion("us-east-1").Build();
    }

    public static string NewBucketName(string prefix = "b") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];

    public static async Task<string> NewBucketAsync(this ServerFixture server, string prefix = "b")
    {
        var name = NewBucketName(prefix);
        using var s3 = server.S3();
        await s3.PutBucketAsync(name);
        return name;
    }

    public static async Task<string> NewKmsKeyAsync(this ServerFixture server)
    {
        using var kms = server.Kms();
        var created = await kms.CreateKeyAsync(new Amazon.KeyManagementService.Model.CreateKeyRequest { Description = "s3 test" });
        return created.KeyMetadata.KeyId;
    }

    public static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        Random.Shared.NextBytes(data);
        return data;
    }

    /// <summary>False only outside CI: .ci/run installs boto3, so a CI run without it fails rather than skipping silently.</summary>
    public static bool PythonBoto3Available { get; } = Probe() || (Environment.GetEnvironmentVariable("CI") is null
        ? false : throw new InvalidOperationException("python3 with boto3 must be installed in CI (.ci/run installs it)"));

    /// <summary>Runs a python3 script (boto3) with the endpoint and test credentials in its environment; returns stdout.</summary>
    public static async Task<string> RunPythonAsync(this ServerFixture server, string script, params string[] args)
    {
        var file = Path.Combine(Path.GetTempPath(), "sseSim-" + Guid.NewGuid().ToString("N") + ".py");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var (exitCode, stdout, stderr) = await server.RunPythonFileAsync(file, args);
            Assert.True(exitCode == 0, $"python failed ({exitCode}):\n{stderr}\n{stdout}");
            return stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs a python3 script file with the endpoint and test credentials in its environment.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunPythonFileAsync(this ServerFixture server, string file, params string[] args)
    {
        if (await PythonHost.RunScriptAsync(file, args, new Dictionary<string, string> { ["SSESIM_ENDPOINT"] = server.Endpoint }) is { } hosted)
        {
            return hosted;
        }
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(file);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["SSESIM_ENDPOINT"] = server.Endpoint;
        AwsCli.UseTestCredentials(psi);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The start of a boto3 test script: <c>s3</c> (no retries), <c>bucket</c> (argv[1]), <c>out</c> (printed as JSON by
    /// <see cref="RunBoto3Async"/>), <c>error(call, **kwargs)</c> ([code, status, message] or None), <c>with_headers(operation,
    /// headers, call, **kwargs)</c> (error() of a call whose headers are replaced, or removed with None, just before
    /// botocore signs it: how a test sends what the SDK never would) and <c>md5(data)</c> (a Content-MD5 value).
    /// </summary>
    public const string Boto3Prelude = """
        import base64, hashlib, json, os, sys, boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError
        s3 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1",
                          config=Config(retries={"max_attempts": 1}))
        bucket = sys.argv[1]
        out = {}

        def error(call, **kwargs):
            try:
                call(**kwargs)
                return None
            except ClientError as e:
                return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"].get("Message")]

        def with_headers(operation, headers, call, **kwargs):
            def edit(request, **_):
                for name, value in headers.items():
                    if name in request.headers:
                        del request.headers[name]
                    if value is not None:
                        request.headers[name] = value
            event = "before-sign.s3." + operation
            s3.meta.events.register(event, edit)
            try:
                return error(call, **kwargs)
            finally:
                s3.meta.events.unregister(event, edit)

        def md5(data):
            return base64.b64encode(hashlib.md5(data).digest()).decode()

        """;

    /// <summary>
    /// After <see cref="Boto3Prelude"/>: <c>plain</c>, a boto3 client that sends no checksum it is not required to (as
    /// SDKs before 2025 did), <c>sent_checksums</c> (the x-amz-checksum-* but -mode, x-amz-sdk-checksum-algorithm and
    /// x-amz-trailer headers <c>plain</c> sent, to show it sent none) and <c>crc64nvme(data)</c>, a bit-at-a-time CRC-64/NVME in base64,
    /// independent of SseSim's (keep its input small).
    /// </summary>
    public const string PlainClientPrelude = """
        plain = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1",
                             config=Config(retries={"max_attempts": 1}, request_checksum_calculation="when_required"))
        sent_checksums = []

        def record_checksums(request, **_):
            sent_checksums.extend(k.lower() for k in request.headers.keys()
                                  if k.lower().startswith(("x-amz-checksum-", "x-amz-sdk-checksum-", "x-amz-trailer")) and k.lower() != "x-amz-checksum-mode")
        plain.meta.events.register("before-send.s3", record_checksums)

        def crc64nvme(data):
            crc = 0xFFFFFFFFFFFFFFFF
            for b in data:
                crc ^= b
                for _ in range(8):
                    crc = (crc >> 1) ^ 0x9A6C9329AC4BC9B5 if crc & 1 else crc >> 1
            return base64.b64encode((crc ^ 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")).decode()

        assert crc64nvme(b"123456789") == base64.b64encode(bytes.fromhex("ae8b14860a799888")).decode()

        """;

    /// <summary>Runs <see cref="Boto3Prelude"/> + <paramref name="body"/> against a new bucket and returns <c>out</c>; null without boto3 outside CI.</summary>
    public static async Task<JsonElement?> RunBoto3Async(this ServerFixture server, string body)
    {
        if (!PythonBoto3Available)
        {
            return null;
        }
        var bucket = await server.NewBucketAsync();
        return Json(await server.RunPythonAsync(Boto3Prelude + body + "\nprint(json.dumps(out))\n", bucket));
    }

    /// <summary>An error() result as "Code status", or "ok" for a call that succeeded.</summary>
    public static string Outcome(this JsonElement result, string name) =>
        result.GetProperty(name) is { ValueKind: JsonValueKind.Array } e ? $"{e[0].GetString()} {e[1].GetInt32()}" : "ok";

    /// <summary>The S3 error code and HTTP status of a <see cref="Boto3Prelude"/> <c>error()</c> result.</summary>
    public static (string? Code, int Status) CodeAndStatus(JsonElement error) => (error[0].GetString(), error[1].GetInt32());

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static bool Probe()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("python3", "-c \"import boto3\"") { RedirectStandardError = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
