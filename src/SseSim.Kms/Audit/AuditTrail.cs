using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using SseSim.Core.Storage;

namespace SseSim.Kms.Audit;

/// <summary>
/// CloudTrail-shaped events for every KMS call, refused ones included (reference kms.md §7).
/// Calls enqueue a small record; a background writer builds the JSON (keeping the hot path cheap) and appends
/// it durably. Plaintext, ciphertext, key material, grant tokens and MACs/signatures are never written.
/// </summary>
public sealed class AuditTrail : IAsyncDisposable
{
    /// <summary>Request members that carry secrets or bulk data: AWS leaves them out of requestParameters.</summary>
    private static readonly HashSet<string> Redacted = new(StringComparer.OrdinalIgnoreCase)
    {
        "plaintext", "ciphertextBlob", "grantTokens", "grantToken", "message", "signature", "mac", "encryptedKeyMaterial",
        "importToken", "policy", "publicKey", "privateKeyPlaintext", "recipient",
    };

    private static readonly HashSet<string> ReadOnlyOperations =
    [
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "Sign", "Verify", "GetPublicKey", "GenerateRandom",
        "DescribeKey", "ListKeys", "ListAliases", "ListGrants", "ListRetirableGrants", "ListResourceTags", "ListKeyPolicies",
        "GetKeyPolicy", "GetKeyRotationStatus", "ListKeyRotations", "GetParametersForImport",
    ];

    private static readonly JsonSerializerOptions CamelCase = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private const int MemoryWindow = 200_000;

    private readonly IAppendLog _log;
    private readonly TimeProvider _time;
    private readonly string _region;
    private readonly Channel<PendingEvent> _queue = Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(100_000) { SingleReader = true });
    private readonly LinkedList<AuditEvent> _recent = new();
    private readonly Lock _recentLock = new();
    private readonly Task _writer;

    public AuditTrail(IAppendLog log, TimeProvider time, string region)
    {
        _log = log;
        _time = time;
        _region = region;
        foreach (var record in log.ReadAll())
        {
            Remember(AuditEvent.Parse(record));
        }
        _writer = Task.Run(WriteLoopAsync);
    }

    private sealed record PendingEvent(KmsCall Call, object Request, KmsException? Error, DateTimeOffset Time, string[] ResourceArns, string[] ResourceAccounts, Core.Crypto.EncryptionContext? Context);

    public void Record(KmsCall call, object request, KmsException? error)
    {
        var keys = call.TouchedKeys;
        var pending = new PendingEvent(call, request, error, _time.GetUtcNow(), keys.Select(k => k.Arn).ToArray(), keys.Select(k => k.AccountId).ToArray(), call.Context);
        if (!_queue.Writer.TryWrite(pending))
        {
            // Back-pressure rather than dropping: an audit that silently loses events is worse than a slower call.
            _queue.Writer.WriteAsync(pending).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Waits until every event recorded so far is durable (tests, shutdown).</summary>
    public async Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new PendingEvent(null!, done, null, default, [], [], null));
        await done.Task;
    }

    public IReadOnlyList<AuditEvent> Recent()
    {
        lock (_recentLock)
        {
            return _recent.ToArray();
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<byte[]>();
        while (await reader.WaitToReadAsync())
        {
            var flushes = new List<TaskCompletionSource>();
            while (batch.Count < 1024 && reader.TryRead(out var pending))
            {
                if (pending.Call is null)
                {
                    flushes.Add((TaskCompletionSource)pending.Request);
                    continue;
                }
                var json = Build(pending);
                batch.Add(json);
                Remember(AuditEvent.Parse(json));
            }
            try
            {
                foreach (var record in batch)
                {
                    await _log.AppendAsync(record);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The log is closing; nothing else to do with the events.
            }
            batch.Clear();
            foreach (var f in flushes)
            {
                f.TrySetResult();
            }
        }
    }

    private void Remember(AuditEvent e)
    {
        lock (_recentLock)
        {
            _recent.AddFirst(e);
            if (_recent.Count > MemoryWindow)
            {
                _recent.RemoveLast();
            }
        }
    }

    private byte[] Build(PendingEvent p)
    {
        var call = p.Call;
        var identity = call.Caller.Identity;
        var userIdentity = new JsonObject
        {
            ["type"] = identity.UserName == "root" ? "Root" : "IAMUser",
            ["principalId"] = identity.AccessKeyId,
            ["arn"] = identity.Arn,
            ["accountId"] = identity.AccountId,
            ["accessKeyId"] = identity.AccessKeyId,
            ["userName"] = identity.UserName,
        };
        var via = call.Caller.ViaService is null ? null : call.Caller.ViaService.Split('.')[0] + ".amazonaws.com";
        if (via is not null)
        {
            userIdentity["invokedBy"] = via;
        }

        var parameters = JsonSerializer.SerializeToNode(p.Request, p.Request.GetType(), CamelCase) as JsonObject ?? [];
        foreach (var name in parameters.Select(kv => kv.Key).Where(Redacted.Contains).ToList())
        {
            parameters.Remove(name);
        }
        if (p.Context is { Count: > 0 } ctx && !parameters.ContainsKey("encryptionContext"))
        {
            parameters["encryptionContext"] = new JsonObject(ctx.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        }
        if (call.Operation == "Decrypt" && !parameters.ContainsKey("encryptionAlgorithm"))
        {
            parameters["encryptionAlgorithm"] = "SYMMETRIC_DEFAULT";
        }

        var resources = new JsonArray();
        for (var i = 0; i < p.ResourceArns.Length; i++)
        {
            resources.Add(new JsonObject { ["accountId"] = p.ResourceAccounts[i], ["type"] = "AWS::KMS::Key", ["ARN"] = p.ResourceArns[i] });
        }

        var e = new JsonObject
        {
            ["eventVersion"] = "1.08",
            ["userIdentity"] = userIdentity,
            ["eventTime"] = p.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ["eventSource"] = "kms.amazonaws.com",
            ["eventName"] = call.Operation,
            ["awsRegion"] = _region,
            ["sourceIPAddress"] = via ?? call.Caller.SourceIp ?? "127.0.0.1",
            ["userAgent"] = via ?? call.Caller.UserAgent ?? "",
        };
        if (p.Error is not null)
        {
            e["errorCode"] = p.Error.ErrorType;
            e["errorMessage"] = p.Error.Message;
        }
        e["requestParameters"] = parameters.Count == 0 ? null : parameters;
        e["responseElements"] = null;
        e["requestID"] = Guid.NewGuid().ToString();
        e["eventID"] = Guid.NewGuid().ToString();
        e["readOnly"] = ReadOnlyOperations.Contains(call.Operation);
        e["resources"] = resources;
        e["eventType"] = "AwsApiCall";
        e["managementEvent"] = true;
        e["recipientAccountId"] = call.Caller.AccountId;
        e["eventCategory"] = "Management";
        return JsonSerializer.SerializeToUtf8Bytes(e);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}

/// <summary>A stored event with the fields LookupEvents filters on, plus the full CloudTrail JSON.</summary>
public sealed record AuditEvent(string EventId, string EventName, DateTimeOffset EventTime, bool ReadOnly, string? Username,
    string? AccessKeyId, string EventSource, IReadOnlyList<string> ResourceArns, string? ErrorCode, string Json)
{
    public static AuditEvent Parse(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var identity = root.GetProperty("userIdentity");
        var arns = root.TryGetProperty("resources", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(x => x.GetProperty("ARN").GetString()!).ToArray()
            : [];
        return new AuditEvent(
            root.GetProperty("eventID").GetString()!,
            root.GetProperty("eventName").GetString()!,
            DateTimeOffset.Parse(root.GetProperty("eventTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            root.GetProperty("readOnly").GetBoolean(),
            identity.TryGetProperty("userName", out var u) ? u.GetString() : null,
            identity.TryGetProperty("accessKeyId", out var a) ? a.GetString() : null,
            root.GetProperty("eventSource").GetString()!,
            arns,
            root.TryGetProperty("errorCode", out var ec) ? ec.GetString() : null,
            System.Text.Encoding.UTF8.GetString(json));
    }
}
