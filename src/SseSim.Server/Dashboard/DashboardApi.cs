using System.Text.Json;
using SseSim.Core.Tracing;
using SseSim.Kms;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;
using SseSim.Objects;
using SseSim.Volumes;

namespace SseSim.Server.Dashboard;

/// <summary>
/// The dashboard's read-only views, as plain objects serialized to JSON. Keys are described by ARN, material id and
/// wrapped size; no plaintext key and no wrapped key bytes leave the server here.
/// </summary>
public sealed class DashboardApi(KmsService kms, ObjectStore objects, VolumeService volumes, TraceRecorder traces, Admin.FaultControl faults)
{
    /// <summary>The fault-injection settings in force, read-only (changing them needs the signed admin endpoint).</summary>
    public object FaultSettings() => faults.Describe();

    public object Keys()
    {
        var (issued, unwrapped) = DataKeyCounts();
        // By Region and account too: the copies of a multi-Region key share its key id, and an alias is Regional.
        var aliases = kms.Store.Aliases.ToLookup(a => (a.AccountId, a.Region, a.TargetKeyId));
        return new
        {
            keys = kms.Store.Keys.OrderBy(k => k.CreationDate).Select(k => new
            {
                k.KeyId,
                k.Arn,
                k.AccountId,
                type = k.IsAwsManaged ? "AWS_MANAGED" : "CUSTOMER_MANAGED",
                k.Description,
                spec = k.KeySpec,
                usage = k.KeyUsage,
                state = k.KeyState,
                k.Origin,
                k.CreationDate,
                k.DeletionDate,
                rotation = new { enabled = k.RotationEnabled, periodInDays = k.RotationPeriodInDays, k.NextRotationDate, k.OnDemandRotations },
                materials = Materials(k),
                aliases = aliases[(k.AccountId, k.Region, k.KeyId)].Select(a => a.AliasName).Order(StringComparer.Ordinal).ToArray(),
                tags = k.Tags.Select(t => new { key = t.TagKey, value = t.TagValue }),
                policy = k.Policy,
                grants = kms.Store.GrantsFor(k).Select(g => new
                {
                    g.GrantId,
                    g.Name,
                    g.GranteePrincipal,
                    g.RetiringPrincipal,
                    g.Operations,
                    g.Constraints,
                    g.CreationDate,
                }),
                dataKeysIssued = issued.GetValueOrDefault(k.Arn),
                dataKeysUnwrapped = unwrapped.GetValueOrDefault(k.Arn),
            }),
        };
    }

    private static IEnumerable<object> Materials(KmsKey k) => k.Materials.Select((m, i) => new
    {
        id = m.Id,
        version = i + 1,
        m.CreatedAt,
        m.RotationType,
        current = i == k.Materials.Count - 1,
    });

    /// <summary>GenerateDataKey* and Decrypt successes per key ARN, from the audit events held in memory.</summary>
    private (Dictionary<string, int> Issued, Dictionary<string, int> Unwrapped) DataKeyCounts()
    {
        var issued = new Dictionary<string, int>(StringComparer.Ordinal);
        var unwrapped = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in kms.Audit.Recent())
        {
            if (e.ErrorCode is not null)
            {
                continue;
            }
            var target = e.EventName is "GenerateDataKey" or "GenerateDataKeyWithoutPlaintext" ? issued
                : e.EventName == "Decrypt" ? unwrapped : null;
            if (target is null)
            {
                continue;
            }
            foreach (var arn in e.ResourceArns)
            {
                target[arn] = target.GetValueOrDefault(arn) + 1;
            }
        }
        return (issued, unwrapped);
    }

    /// <summary>Root (domain) key → the key's material versions → the wrapped data keys that depend on each version.</summary>
    public object? Hierarchy(string keyId)
    {
        var key = kms.Store.FindKey(keyId) ?? kms.Store.Keys.FirstOrDefault(k => k.Arn == keyId);
        if (key is null)
        {
            return null;
        }
        var dependents = new List<(string MaterialId, object Item)>();
        foreach (var o in objects.InspectObjects(limit: 10_000).Where(o => o.KmsKeyArn == key.Arn))
        {
            dependents.Add((MaterialOf(o.WrappedKey), new { kind = "object", name = $"s3://{o.Bucket}/{o.Key}", wrappedKeyBytes = o.WrappedKey?.Length ?? 0, o.BucketKey }));
        }
        foreach (var v in volumes.InspectVolumes().Where(v => v.KmsKeyArn == key.Arn))
        {
            dependents.Add((MaterialOf(v.WrappedKey), new { kind = "volume", name = v.VolumeId, wrappedKeyBytes = v.WrappedKey?.Length ?? 0, v.KeyInMemory }));
        }
        foreach (var s in volumes.InspectSnapshots().Where(s => s.KmsKeyArn == key.Arn))
        {
            dependents.Add((MaterialOf(s.WrappedKey), new { kind = "snapshot", name = s.SnapshotId, wrappedKeyBytes = s.WrappedKey?.Length ?? 0 }));
        }
        return new
        {
            root = new { name = "SseSim root key (domain key)", detail = "seals every KMS key-material version at rest; never leaves the process" },
            key = new { key.KeyId, key.Arn, type = key.IsAwsManaged ? "AWS_MANAGED" : "CUSTOMER_MANAGED", state = key.KeyState },
            materials = key.Materials.Select((m, i) => new
            {
                id = m.Id,
                version = i + 1,
                m.CreatedAt,
                m.RotationType,
                current = i == key.Materials.Count - 1,
                dependents = dependents.Where(d => d.MaterialId == m.Id).Select(d => d.Item).ToArray(),
            }),
        };
    }

    private static string MaterialOf(byte[]? wrapped) =>
        wrapped is not null && CiphertextBlob.TryParseHeader(wrapped, out _, out var materialId) ? materialId : "";

    public object Buckets() => new
    {
        buckets = objects.InspectBuckets().Select(b => new
        {
            b.Name,
            b.Owner,
            b.Region,
            b.Created,
            defaultEncryption = b.DefaultSse,
            b.DefaultKmsKeyId,
            bucketKeyEnabled = b.DefaultBucketKey,
            objects = objects.InspectObjects(b.Name).Select(Describe),
        }),
    };

    public async Task<object?> ObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        if (objects.InspectObject(bucket, key) is not { } o)
        {
            return null;
        }
        var envelope = await objects.InspectEnvelopeAsync(bucket, key, cancellationToken);
        return new { @object = Describe(o), envelope, segments = envelope.Sum(e => e.Segments) };
    }

    private static object Describe(ObjectInspection o) => new
    {
        o.Bucket,
        o.Key,
        o.Size,
        o.LastModified,
        sseMode = o.SseMode,
        keyArn = o.KmsKeyArn,
        encryptionContext = o.EncryptionContext,
        bucketKey = o.BucketKey,
        wrappedKeyBytes = o.WrappedKey?.Length ?? 0,
        keyMaterialId = o.SseMode is "SSE-KMS" or "DSSE-KMS" ? MaterialOf(o.WrappedKey) : null,
        parts = o.Parts,
        o.Owner,
    };

    public object Volumes() => new
    {
        volumes = volumes.InspectVolumes().Select(v => new
        {
            v.VolumeId,
            v.AccountId,
            v.AvailabilityZone,
            v.Size,
            v.VolumeType,
            v.Encrypted,
            keyArn = v.KmsKeyArn,
            wrappedKeyBytes = v.WrappedKey?.Length ?? 0,
            keyMaterialId = v.Encrypted ? MaterialOf(v.WrappedKey) : null,
            encryptionContext = v.EncryptionContextId is null ? null : new Dictionary<string, string> { ["aws:ebs:id"] = v.EncryptionContextId },
            v.State,
            attachment = v.InstanceId is null ? null : new { v.InstanceId, v.Device, state = v.AttachmentState },
            keyInMemory = v.KeyInMemory,
            v.SnapshotId,
            v.CreateTime,
        }),
        instances = volumes.InspectInstances(),
        snapshots = volumes.InspectSnapshots().Select(s => new
        {
            s.SnapshotId,
            s.VolumeId,
            s.AccountId,
            s.VolumeSize,
            s.State,
            s.Encrypted,
            keyArn = s.KmsKeyArn,
            wrappedKeyBytes = s.WrappedKey?.Length ?? 0,
            s.StartTime,
            s.Description,
        }),
    };

    /// <summary>Newest first; each filter narrows (key ARN or id, bucket name, volume id, identity user name, ARN or access key).</summary>
    public object Audit(string? key, string? bucket, string? volume, string? identity, int limit)
    {
        var result = new List<JsonElement>();
        foreach (var e in kms.Audit.Recent())
        {
            if (result.Count >= limit)
            {
                break;
            }
            if (key is { Length: > 0 } && !e.ResourceArns.Any(a => a == key || a.EndsWith("/" + key, StringComparison.Ordinal)))
            {
                continue;
            }
            // An event that left the in-memory window while this ran has no JSON any more.
            if (!e.TryGetUtf8Json(out var utf8))
            {
                continue;
            }
            if (identity is { Length: > 0 } && e.Username != identity && e.AccessKeyId != identity
                && !System.Text.Encoding.UTF8.GetString(utf8.Span).Contains(identity, StringComparison.Ordinal))
            {
                continue;
            }
            using var doc = JsonDocument.Parse(utf8);
            var root = doc.RootElement;
            // KMS events name a bucket or volume in their encryption context; S3, EC2 and EBS events name it as a resource.
            if (bucket is { Length: > 0 } && !ContextMatches(root, "aws:s3:arn", IsBucketArn) && !e.ResourceArns.Any(IsBucketArn))
            {
                continue;
            }
            if (volume is { Length: > 0 } && !ContextMatches(root, "aws:ebs:id", v => v == volume) && !e.ResourceArns.Any(a => a.EndsWith(":volume/" + volume, StringComparison.Ordinal)))
            {
                continue;
            }
            result.Add(root.Clone());
        }
        return new { events = result };

        bool IsBucketArn(string arn) => arn == $"arn:aws:s3:::{bucket}" || arn.StartsWith($"arn:aws:s3:::{bucket}/", StringComparison.Ordinal);
    }

    private static bool ContextMatches(JsonElement root, string name, Func<string, bool> match)
    {
        if (!root.TryGetProperty("requestParameters", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        foreach (var member in new[] { "encryptionContext", "constraints" })
        {
            if (p.TryGetProperty(member, out var c) && c.ValueKind == JsonValueKind.Object)
            {
                var ctx = member == "constraints" && c.TryGetProperty("encryptionContextSubset", out var sub) ? sub : c;
                if (ctx.ValueKind == JsonValueKind.Object && ctx.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && match(v.GetString()!))
                {
                    return true;
                }
            }
        }
        return false;
    }

    public static object Trace(FlowTrace t) => new
    {
        id = t.Id,
        subject = t.Subject,
        operation = t.Operation,
        identity = t.Identity,
        started = t.Started,
        totalMs = t.TotalMs,
        error = t.Error,
        steps = t.Steps,
    };

    public object? ObjectFlow(string bucket, string key) =>
        traces.LastFlow($"s3://{bucket}/{key}", "GetObject", "PutObject") is { } t ? Trace(t) : null;

    /// <summary>The volume's key story: the latest CreateVolume, AttachVolume and DetachVolume flows, in time order.</summary>
    public object? VolumeFlow(string volumeId)
    {
        var flows = traces.Flows(volumeId);
        if (flows.Count == 0)
        {
            return null;
        }
        var latest = flows.GroupBy(f => f.Operation).Select(g => g.Last()).OrderBy(f => f.Started).Select(Trace).ToArray();
        return new { subject = volumeId, flows = latest };
    }
}
