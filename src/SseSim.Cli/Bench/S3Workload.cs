using System.Globalization;
using System.Security.Cryptography;
using Amazon.KeyManagementService.Model;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Cli.Bench;

/// <summary>
/// s3-put, s3-get, s3-mixed and s3-multipart over AWSSDK.S3, in any SSE mode. Keys are <c>bench/obj-NNNNNNNN</c>
/// over a key space of <c>--keys</c>; each key has a fixed size drawn from <c>--size</c>. PUT bodies are slices of one
/// random buffer; GET bodies are read to the end and dropped. With <c>--client http</c> single-part PUTs and GETs go
/// through <see cref="LeanHttp"/> (the same signed requests with the same SSE headers); set-up calls use the SDK.
/// </summary>
public sealed class S3Workload(BenchOptions o) : IWorkload
{
    private readonly AmazonS3Client _s3 = AwsClients.S3(o);
    private readonly byte[] _body = RandomNumberGenerator.GetBytes((int)Math.Min(o.Size.Max, o.Workload == "s3-multipart" ? o.PartSize : o.Size.Max));
    private readonly byte[][] _sinks = Enumerable.Range(0, o.Concurrency).Select(_ => new byte[256 * 1024]).ToArray();
    private readonly byte[] _customerKey = RandomNumberGenerator.GetBytes(32);
    private string _bucket = o.Bucket ?? "";
    private string? _keyId = o.KmsKeyId;
    private readonly LeanHttp? _lean = o.Client == "http" ? new LeanHttp(o) : null;
    private (string Name, string Value)[] _putHeaders = [];
    private (string Name, string Value)[] _getHeaders = [];

    public string Bucket => _bucket;

    public string? KmsKeyArn { get; private set; }

    public bool CountsObjects => true;

    public static string Key(long index) => "bench/obj-" + index.ToString("D8", CultureInfo.InvariantCulture);

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (o.Bucket is null)
        {
            _bucket = $"ssesim-bench-{DateTime.UtcNow:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
            await _s3.PutBucketAsync(new PutBucketRequest { BucketName = _bucket, UseClientRegion = true }, cancellationToken);
        }
        if (o.Sse is "kms" or "kms-bucket-key")
        {
            using var kms = AwsClients.Kms(o);
            if (_keyId is null)
            {
                var created = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "ssesim bench " + _bucket }, cancellationToken);
                _keyId = created.KeyMetadata.KeyId;
                KmsKeyArn = created.KeyMetadata.Arn;
            }
            else
            {
                KmsKeyArn = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = _keyId }, cancellationToken)).KeyMetadata.Arn;
            }
        }
        _putHeaders = SseHeaders(put: true);
        _getHeaders = SseHeaders(put: false);
        if (o.Workload is "s3-get" or "s3-mixed")
        {
            // Untimed: every key of the key space exists before the clock starts.
            var next = -1L;
            await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(_ => Task.Run(async () =>
            {
                long i;
                while ((i = Interlocked.Increment(ref next)) < o.Keys)
                {
                    await PutAsync(i, cancellationToken);
                }
            }, cancellationToken)));
        }
    }

    public async ValueTask<OpResult> ExecuteAsync(int worker, long sequence, CancellationToken cancellationToken)
    {
        switch (o.Workload)
        {
            case "s3-put":
                return await PutAsync(sequence % o.Keys, cancellationToken);
            case "s3-get":
                return await GetAsync(worker, Random.Shared.NextInt64(o.Keys), cancellationToken);
            case "s3-mixed":
                var key = Random.Shared.NextInt64(o.Keys);
                return Random.Shared.Next(100) < o.ReadPercent ? await GetAsync(worker, key, cancellationToken) : await PutAsync(key, cancellationToken);
            default:
                return await MultipartAsync(sequence % o.Keys, cancellationToken);
        }
    }

    /// <summary>The SSE request headers the SDK sends for this mode (a GET carries only SSE-C's).</summary>
    private (string Name, string Value)[] SseHeaders(bool put)
    {
        var customer = new (string, string)[]
        {
            ("x-amz-server-side-encryption-customer-algorithm", "AES256"),
            ("x-amz-server-side-encryption-customer-key", Convert.ToBase64String(_customerKey)),
            ("x-amz-server-side-encryption-customer-key-MD5", Convert.ToBase64String(MD5.HashData(_customerKey))),
        };
        return (o.Sse, put) switch
        {
            ("c", _) => customer,
            (_, false) => [],
            ("s3", _) => [("x-amz-server-side-encryption", "AES256")],
            ("kms" or "kms-bucket-key", _) =>
            [
                ("x-amz-server-side-encryption", "aws:kms"),
                ("x-amz-server-side-encryption-aws-kms-key-id", _keyId!),
                ("x-amz-server-side-encryption-bucket-key-enabled", o.Sse == "kms-bucket-key" ? "true" : "false"),
            ],
            _ => [],
        };
    }

    private async Task<OpResult> PutAsync(long index, CancellationToken ct)
    {
        var size = o.Size.ForKey(index);
        if (_lean is not null)
        {
            await _lean.PutObjectAsync(_bucket, Key(index), _body, (int)size, _putHeaders, ct);
            return new OpResult("PutObject", size);
        }
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = Key(index),
            InputStream = new MemoryStream(_body, 0, (int)size, writable: false),
            AutoCloseStream = true,
        };
        ApplySse(request);
        await _s3.PutObjectAsync(request, ct);
        return new OpResult("PutObject", size);
    }

    private void ApplySse(PutObjectRequest r)
    {
        switch (o.Sse)
        {
            case "s3":
                r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
                break;
            case "kms":
            case "kms-bucket-key":
                r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                r.ServerSideEncryptionKeyManagementServiceKeyId = _keyId;
                r.BucketKeyEnabled = o.Sse == "kms-bucket-key";
                break;
            case "c":
                r.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
                r.ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(_customerKey);
                break;
        }
    }

    private async Task<OpResult> GetAsync(int worker, long index, CancellationToken ct)
    {
        if (_lean is not null)
        {
            return new OpResult("GetObject", await _lean.GetObjectAsync(_bucket, Key(index), _sinks[worker], _getHeaders, ct));
        }
        var request = new GetObjectRequest { BucketName = _bucket, Key = Key(index) };
        if (o.Sse == "c")
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(_customerKey);
        }
        using var response = await _s3.GetObjectAsync(request, ct);
        var sink = _sinks[worker];
        long total = 0;
        int n;
        while ((n = await response.ResponseStream.ReadAsync(sink, ct)) > 0)
        {
            total += n;
        }
        if (total != response.ContentLength)
        {
            throw new IOException($"GET {request.Key}: {total} bytes read, Content-Length {response.ContentLength}.");
        }
        return new OpResult("GetObject", total);
    }

    private async Task<OpResult> MultipartAsync(long index, CancellationToken ct)
    {
        var size = o.Size.ForKey(index);
        var create = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = Key(index) };
        switch (o.Sse)
        {
            case "s3":
                create.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
                break;
            case "kms":
            case "kms-bucket-key":
                create.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                create.ServerSideEncryptionKeyManagementServiceKeyId = _keyId;
                create.BucketKeyEnabled = o.Sse == "kms-bucket-key";
                break;
            case "c":
                create.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
                create.ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(_customerKey);
                break;
        }
        var uploadId = (await _s3.InitiateMultipartUploadAsync(create, ct)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            for (long offset = 0, number = 1; offset < size || number == 1; offset += o.PartSize, number++)
            {
                var length = (int)Math.Min(o.PartSize, size - offset);
                var part = new UploadPartRequest
                {
                    BucketName = _bucket,
                    Key = create.Key,
                    UploadId = uploadId,
                    PartNumber = (int)number,
                    InputStream = new MemoryStream(_body, 0, length, writable: false),
                };
                if (o.Sse == "c")
                {
                    part.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
                    part.ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(_customerKey);
                }
                var uploaded = await _s3.UploadPartAsync(part, ct);
                parts.Add(new PartETag((int)number, uploaded.ETag));
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = _bucket, Key = create.Key, UploadId = uploadId, PartETags = parts }, ct);
        }
        catch
        {
            try
            {
                await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = create.Key, UploadId = uploadId }, CancellationToken.None);
            }
            catch (AmazonS3Exception)
            {
            }
            throw;
        }
        return new OpResult("MultipartUpload", size);
    }

    public ValueTask DisposeAsync()
    {
        _s3.Dispose();
        _lean?.Dispose();
        return ValueTask.CompletedTask;
    }
}
