using System.Globalization;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Core.Keys;
using SseSim.Kms;
using SseSim.Kms.Audit;
using SseSim.Objects;

namespace SseSim.Server.CloudTrail;

/// <summary>One trail's delivery: the objects written, or the error that stopped it.</summary>
public sealed record TrailDeliveryResult(string TrailArn, IReadOnlyList<string> Objects, string? Error);

/// <summary>
/// Delivers trail log files (docs/formats/cloudtrail-trails.md#delivered-log-files): every <see cref="Interval"/> on
/// the injected clock (CloudTrail delivers about every 5 minutes), or at once through
/// <c>POST /_ssesim/api/cloudtrail/deliver</c>. The files are written with the object store's public PutObject in the
/// trail's account, so they are encrypted like any object: SSE-KMS under the trail's key (KMS logs the call as
/// invoked by cloudtrail.amazonaws.com), else the bucket's default encryption.
/// </summary>
public sealed class TrailDelivery(TrailStore store, ObjectStore objects, KmsService kms, TimeProvider time, ILogger<TrailDelivery> logger) : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    public const string Service = "cloudtrail.amazonaws.com";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start() => _loop ??= Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, _stop.Token);
                await DeliverAsync(accountId: null, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failed round is retried at the next one; the trail's status says what failed.
                logger.LogWarning(e, "CloudTrail log file delivery failed");
            }
        }
    }

    /// <summary>Delivers every logging trail of <paramref name="accountId"/> (all accounts when null) now.</summary>
    public async Task<IReadOnlyList<TrailDeliveryResult>> DeliverAsync(string? accountId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // The cut-off is taken before the flush, so every event up to it is retained when it is read.
            var now = time.GetUtcNow();
            await kms.Audit.FlushAsync();
            var results = new List<TrailDeliveryResult>();
            foreach (var trail in store.All())
            {
                if (accountId is not null && trail.AccountId != accountId)
                {
                    continue;
                }
                var from = trail.DeliveredThrough ?? trail.StartLoggingTime;
                var through = trail.IsLogging ? now : trail.StopLoggingTime;
                if (from is { } f && through is { } t && t > f)
                {
                    results.Add(await DeliverTrailAsync(trail, f, t, now, cancellationToken));
                }
            }
            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<TrailDeliveryResult> DeliverTrailAsync(TrailRecord trail, DateTimeOffset from, DateTimeOffset through, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var byRegion = new SortedDictionary<string, List<ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
        // Events other services record keep their time to the second only, so the window starts at the cursor's second
        // and skips the events of that second an earlier delivery already looked at.
        var fromSecond = Second(from);
        var throughSecond = Second(through);
        var seen = fromSecond == throughSecond ? new HashSet<string>(trail.DeliveredInLastSecond ?? [], StringComparer.Ordinal) : [];
        var already = new HashSet<string>(trail.DeliveredInLastSecond ?? [], StringComparer.Ordinal);
        foreach (var e in kms.Audit.EventsBetween(fromSecond.AddTicks(-1), through, trail.AccountId))
        {
            if (Second(e.EventTime) == fromSecond && already.Contains(e.EventId))
            {
                continue;
            }
            if (Second(e.EventTime) == throughSecond)
            {
                seen.Add(e.EventId);
            }
            var json = e.Utf8Json;
            using var doc = JsonDocument.Parse(json);
            var region = doc.RootElement.TryGetProperty("awsRegion", out var r) ? r.GetString() ?? trail.HomeRegion : trail.HomeRegion;
            if ((trail.IsMultiRegionTrail || region == trail.HomeRegion) && TrailSelectors.Selects(trail, doc.RootElement))
            {
                (byRegion.TryGetValue(region, out var list) ? list : byRegion[region] = []).Add(json);
            }
        }
        var written = new List<string>();
        try
        {
            foreach (var (region, events) in byRegion)
            {
                var key = ObjectKey(trail, region, now);
                await PutAsync(trail, key, Gzip(events), cancellationToken);
                written.Add(key);
            }
        }
        catch (Exception e) when (e is S3Exception or KeyServiceException)
        {
            var code = e is S3Exception s3 ? s3.Code : ((KeyServiceException)e).ErrorCode;
            await store.ChangeAsync(trail, t => t with { LatestDeliveryAttemptTime = now, LatestDeliveryError = code });
            return new TrailDeliveryResult(trail.Arn, written, code);
        }
        await store.ChangeAsync(trail, t => written.Count == 0
            ? t with { DeliveredThrough = through, DeliveredInLastSecond = [.. seen] }
            : t with { DeliveredThrough = through, DeliveredInLastSecond = [.. seen], LatestDeliveryTime = now, LatestDeliveryAttemptTime = now, LatestDeliveryError = null });
        return new TrailDeliveryResult(trail.Arn, written, null);
    }

    private static DateTimeOffset Second(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>CloudTrail's log file name (CloudTrail user guide, "Finding your CloudTrail log files").</summary>
    public static string ObjectKey(TrailRecord trail, string region, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var prefix = trail.S3KeyPrefix is { Length: > 0 } p ? p + "/" : "";
        var id = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 16);
        return string.Create(CultureInfo.InvariantCulture,
            $"{prefix}AWSLogs/{trail.AccountId}/CloudTrail/{region}/{utc:yyyy}/{utc:MM}/{utc:dd}/{trail.AccountId}_CloudTrail_{region}_{utc:yyyyMMdd'T'HHmm'Z'}_{id}.json.gz");
    }

    private static byte[] Gzip(List<ReadOnlyMemory<byte>> events)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write("{\"Records\":["u8);
            for (var i = 0; i < events.Count; i++)
            {
                if (i > 0)
                {
                    gzip.Write(","u8);
                }
                gzip.Write(events[i].Span);
            }
            gzip.Write("]}"u8);
        }
        return buffer.ToArray();
    }

    private async Task PutAsync(TrailRecord trail, string key, byte[] body, CancellationToken cancellationToken)
    {
        // CloudTrail acts for the trail's account; no IAM user of it makes this call.
        var caller = new Caller(new Identity("", "", trail.AccountId, "root"), trail.HomeRegion, Service, Service, ViaService: Service);
        var encryption = trail.KmsKeyId is { } keyArn
            ? new SseRequest
            {
                ServerSideEncryption = "aws:kms",
                KmsKeyId = keyArn,
                // CloudTrail's encryption context names the trail; S3 adds aws:s3:arn.
                EncryptionContext = Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["aws:cloudtrail:arn"] = trail.Arn }.ToJsonString())),
            }
            : null;
        await objects.PutObjectAsync(caller, new PutObjectRequest(trail.S3BucketName, key, PipeReader.Create(new MemoryStream(body)))
        {
            Headers = new ObjectHeaders { ContentType = "application/json", ContentEncoding = "gzip" },
            Encryption = encryption,
            ContentLength = body.Length,
        }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }
}
