using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.S3.Model;
using SseSim.Nbd;
using Ec2Model = Amazon.EC2.Model;

namespace SseSim.Server.Tests.Durability;

/// <summary>The checks after each restart: acknowledged state present and intact, nothing partial visible, audit agrees.</summary>
internal sealed class CrashVerifier(ServerProcess server, CrashLedger ledger, Random rng, string where)
{
    private const string Bucket = "crash-harness";

    /// <summary>Older entries re-read per cycle besides the newest cycle's (everything on the last cycle).</summary>
    private const int Sample = 40;

    /// <summary>
    /// Every listed object was sent by us, has its full length and (for the newest cycle, a sample of older ones, or
    /// all when <paramref name="full"/>) its exact content, decrypted; every acknowledged object is listed.
    /// </summary>
    public async Task ObjectsAsync(int cycle, bool full)
    {
        using var s3 = CrashCycleTests.S3(server);
        var listed = new Dictionary<string, long>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, ContinuationToken = token });
            foreach (var o in page.S3Objects ?? [])
            {
                listed[o.Key] = o.Size ?? -1;
            }
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        var toRead = new List<string>();
        foreach (var (key, size) in listed)
        {
            Assert.True(ledger.Objects.TryGetValue(key, out var entry), $"{where}: listed object {key} was never written");
            Assert.True(entry.Length == size, $"{where}: {key} is listed with {size} bytes, expected {entry.Length} (partial object)");
            if (!entry.Acknowledged)
            {
                // Visible now, so from here on it must survive like an acknowledged one.
                entry.Acknowledged = true;
            }
            if (full || entry.Cycle == cycle)
            {
                toRead.Add(key);
            }
        }
        foreach (var (key, entry) in ledger.Objects.ToList())
        {
            if (entry.Acknowledged)
            {
                Assert.True(listed.ContainsKey(key), $"{where}: acknowledged object {key} is missing after the crash");
            }
            else
            {
                ledger.Objects.Remove(key); // never acknowledged and not visible: it did not happen
            }
        }
        if (!full)
        {
            toRead.AddRange(listed.Keys.Where(k => ledger.Objects[k].Cycle != cycle).OrderBy(_ => rng.Next()).Take(Sample));
        }
        foreach (var key in toRead)
        {
            using var response = await s3.GetObjectAsync(Bucket, key);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await response.ResponseStream.ReadAsync(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                total += read;
            }
            var entry = ledger.Objects[key];
            Assert.True(total == entry.Length && sha.GetHashAndReset().AsSpan().SequenceEqual(entry.Sha256),
                $"{where}: {key} does not read back intact ({total} of {entry.Length} bytes)");
        }
    }

    /// <summary>Every acknowledged KMS mutation is in effect, and every ciphertext made under the keys still decrypts.</summary>
    public async Task KmsAsync(int cycle, bool full)
    {
        using var kms = CrashCycleTests.Kms(server);
        var keys = ledger.Keys.Values.ToList();
        var check = full ? keys : keys.Where(k => k.Cycle >= cycle - 1).Concat(keys.Where(k => k.Cycle < cycle - 1).OrderBy(_ => rng.Next()).Take(Sample / 4)).ToList();
        foreach (var key in check)
        {
            var what = $"{where}: key {key.KeyId}";
            Assert.True((await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.Enabled, $"{what} is not enabled");
            if (key.Alias is { } alias)
            {
                Assert.True((await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias })).KeyMetadata.KeyId == key.KeyId, $"{what}: alias {alias} lost");
            }
            if (key.GrantId is { } grant)
            {
                var grants = await kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key.KeyId });
                Assert.True(grants.Grants.Any(g => g.GrantId == grant && g.GranteePrincipal == key.Grantee), $"{what}: grant {grant} lost");
            }
            if (key.PolicyMarker is { } marker)
            {
                var policy = await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" });
                Assert.True(policy.Policy.Contains(marker, StringComparison.Ordinal), $"{what}: policy {marker} lost");
            }
            if (key.Rotated)
            {
                var rotations = await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId });
                Assert.True(rotations.Rotations.Count(r => r.RotationType == RotationType.ON_DEMAND) == 1, $"{what}: on-demand rotation lost");
            }
            foreach (var (plaintext, ciphertext) in key.Ciphertexts)
            {
                var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) });
                Assert.True(decrypted.KeyId.EndsWith(key.KeyId, StringComparison.Ordinal) && decrypted.Plaintext.ToArray().AsSpan().SequenceEqual(plaintext),
                    $"{what}: a ciphertext no longer decrypts to its plaintext");
            }
        }
    }

    /// <summary>
    /// The audit agrees with the state: every acknowledged mutation has its CloudTrail event, and no customer key or
    /// harness alias exists without the event that created it.
    /// </summary>
    public async Task AuditAsync()
    {
        var createdKeys = Successful(await SignedJson.LookupEventsAsync(server.Endpoint, "CreateKey"))
            .SelectMany(e => e.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("ARN").GetString()!)).ToHashSet(StringComparer.Ordinal);
        var aliases = Parameters(await SignedJson.LookupEventsAsync(server.Endpoint, "CreateAlias"), "aliasName");
        var grantees = Parameters(await SignedJson.LookupEventsAsync(server.Endpoint, "CreateGrant"), "granteePrincipal");
        var policies = Successful(await SignedJson.LookupEventsAsync(server.Endpoint, "PutKeyPolicy"))
            .Select(e => e.GetProperty("requestParameters").GetProperty("policy").GetString()!).ToList();
        var rotated = Parameters(await SignedJson.LookupEventsAsync(server.Endpoint, "RotateKeyOnDemand"), "keyId");

        using var kms = CrashCycleTests.Kms(server);
        var managed = new HashSet<string>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var page = await kms.ListAliasesAsync(new ListAliasesRequest { Marker = marker });
            foreach (var a in page.Aliases)
            {
                if (a.AliasName.StartsWith("alias/aws/", StringComparison.Ordinal) && a.TargetKeyId is not null)
                {
                    managed.Add(a.TargetKeyId);
                }
                if (a.AliasName.StartsWith("alias/crash-", StringComparison.Ordinal))
                {
                    Assert.True(aliases.Contains(a.AliasName), $"{where}: alias {a.AliasName} exists without a CreateAlias event");
                }
            }
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        marker = null;
        do
        {
            var page = await kms.ListKeysAsync(new ListKeysRequest { Marker = marker });
            foreach (var k in page.Keys.Where(k => !managed.Contains(k.KeyId)))
            {
                Assert.True(createdKeys.Contains(k.KeyArn), $"{where}: key {k.KeyArn} exists without a CreateKey event");
            }
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);

        foreach (var key in ledger.Keys.Values)
        {
            var what = $"{where}: key {key.KeyId}";
            Assert.True(createdKeys.Any(a => a.EndsWith("/" + key.KeyId, StringComparison.Ordinal)), $"{what}: no CreateKey event");
            Assert.True(key.Alias is null || aliases.Contains(key.Alias), $"{what}: no CreateAlias event for {key.Alias}");
            Assert.True(key.Grantee is null || grantees.Contains(key.Grantee), $"{what}: no CreateGrant event for {key.Grantee}");
            Assert.True(key.PolicyMarker is null || policies.Any(p => p.Contains(key.PolicyMarker, StringComparison.Ordinal)), $"{what}: no PutKeyPolicy event");
            Assert.True(!key.Rotated || rotated.Contains(key.KeyId), $"{what}: no RotateKeyOnDemand event");
        }
    }

    /// <summary>Starts the retired instance (its volume still attached) and reads every block the writer touched: each holds a whole block of a generation it sent, no older than the last flushed one.</summary>
    public async Task VolumeAsync(string volume, string instance)
    {
        using (var ec2 = CrashCycleTests.Ec2(server))
        {
            var state = (await ec2.DescribeVolumesAsync(new Ec2Model.DescribeVolumesRequest { VolumeIds = [volume] })).Volumes[0].State;
            Assert.True(state == Amazon.EC2.VolumeState.InUse, $"{where}: volume is {state} after restart");
            await ec2.StartInstancesAsync(new Ec2Model.StartInstancesRequest { InstanceIds = [instance] });
        }
        await using (var nbd = await NbdClient.ConnectAsync("127.0.0.1", server.NbdPort, volume, CancellationToken.None))
        {
            var all = new byte[256 * CrashLedger.BlockSize];
            await nbd.ReadAsync(0, all);
            foreach (var (block, entry) in ledger.Blocks)
            {
                var data = all.AsSpan(block * CrashLedger.BlockSize, CrashLedger.BlockSize);
                var generation = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
                if (generation == 0 && !data.ContainsAnyExcept((byte)0))
                {
                    Assert.True(entry.Durable == 0, $"{where}: block {block} reads as zeros but generation {entry.Durable} was flushed");
                    continue;
                }
                Assert.True(entry.Sent.Contains(generation) && data.SequenceEqual(CrashLedger.BlockContent(block, generation)),
                    $"{where}: block {block} holds neither zeros nor a whole block we wrote (torn or foreign)");
                Assert.True(generation >= entry.Durable, $"{where}: block {block} rolled back to generation {generation}; {entry.Durable} was flushed");
            }
        }
    }

    private static IEnumerable<JsonElement> Successful(List<JsonElement> events) => events.Where(e => !e.TryGetProperty("errorCode", out _));

    private static HashSet<string> Parameters(List<JsonElement> events, string member) =>
        Successful(events).Select(e => e.GetProperty("requestParameters").GetProperty(member).GetString()!).ToHashSet(StringComparer.Ordinal);
}
