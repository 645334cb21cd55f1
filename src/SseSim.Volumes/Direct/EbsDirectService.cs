using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Volumes.Blocks;
using SseSim.Volumes.Snapshots;

namespace SseSim.Volumes.Direct;

/// <summary>
/// EBS direct APIs (service <c>ebs</c>, 2019-11-02) over the volume domain: 512 KiB blocks made of 128 volume
/// blocks (block-volume.md §1), SHA-256 checksums verified on put and returned on get, expiring block tokens.
/// KMS calls run as the caller via ebs.amazonaws.com, so only a caller allowed to Decrypt gets data.
/// </summary>
public sealed class EbsDirectService(VolumeService volumes)
{
    // EBS direct APIs reach KMS as EC2 does (kms:ViaService ec2.<region>.amazonaws.com), so the aws/ebs key works.
    internal const string EbsService = "ec2.amazonaws.com";
    private const int MaxVolumeSizeGiB = 65536;

    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    // Tokens are opaque and short-lived; a restart invalidating them matches "tokens change after a new List call".
    private readonly byte[] _tokenKey = RandomNumberGenerator.GetBytes(32);

    private sealed class Session(SnapshotRecord record, Manifest manifest, SecretBytes? key, BlockCipher? cipher, NonceCounter? nonces) : IDisposable
    {
        public SnapshotRecord Record => record;
        public Manifest Manifest => manifest;
        public BlockCipher? Cipher => cipher;
        public NonceCounter? Nonces => nonces;
        public SortedDictionary<int, byte[]> Checksums { get; } = [];
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public void Dispose()
        {
            cipher?.Dispose();
            key?.Dispose();
        }
    }

    public async Task<StartSnapshotResult> StartSnapshotAsync(Caller caller, StartSnapshotRequest request, CancellationToken cancellationToken = default)
    {
        if (request.VolumeSize is < 1 or > MaxVolumeSizeGiB)
        {
            throw EbsApiException.Validation("INVALID_VOLUME_SIZE", $"VolumeSize must be between 1 and {MaxVolumeSizeGiB} GiB.");
        }
        if (request.ParentSnapshotId is not null && request.Encrypted is not null)
        {
            throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "ParentSnapshotId and Encrypted cannot be specified together.");
        }
        var timeout = request.Timeout ?? 60;
        if (timeout is < 10 or > 4320)
        {
            throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "Timeout must be between 10 and 4320 minutes.");
        }
        var via = caller.Via(EbsService);
        await volumes.Gate.WaitAsync(cancellationToken);
        try
        {
            if (request.ClientToken is not null)
            {
                var existing = volumes.Metadata.Scan("ebs/snap/").Select(kv => Json.Decode<SnapshotRecord>(kv.Value))
                    .FirstOrDefault(s => s.ClientToken == request.ClientToken && s.AccountId == caller.AccountId);
                if (existing is not null)
                {
                    return existing.VolumeSize == request.VolumeSize && existing.ParentSnapshotId == request.ParentSnapshotId
                        ? ToResult(existing)
                        : throw EbsApiException.Conflict("The ClientToken was already used with different parameters.");
                }
            }
            var settings = volumes.Metadata.TryGet(Keys.Account(caller.AccountId, caller.Region), out var sb) ? Json.Decode<AccountSettings>(sb) : new AccountSettings();
            var snapshotId = AwsIds.New("snap");
            SnapshotRecord? parent = null;
            if (request.ParentSnapshotId is not null)
            {
                parent = Completed(caller, request.ParentSnapshotId);
                if (!parent.Encrypted && settings.EncryptionByDefault)
                {
                    throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "Encryption by default is enabled: the parent snapshot must be encrypted.");
                }
                if (request.KmsKeyArn is not null && request.KmsKeyArn != parent.KmsKeyArn)
                {
                    throw EbsApiException.Validation("INVALID_CUSTOMER_KEY", "A child snapshot uses its parent's KMS key.");
                }
            }
            var encrypted = parent?.Encrypted ?? (request.Encrypted == true || request.KmsKeyArn is not null || settings.EncryptionByDefault);
            string? keyArn = parent?.KmsKeyArn;
            byte[]? wrapped = parent?.WrappedKey;
            var contextId = parent?.KeyContextId;
            var lineage = parent?.LineageId ?? snapshotId;
            uint writerId = 1;
            var batch = new List<KvMutation>();
            try
            {
                if (parent is not null)
                {
                    writerId = await volumes.AllocateWriterAsync(lineage, cancellationToken);
                }
                else
                {
                    batch.Add(new KvMutation(Keys.Lineage(lineage), [0, 0, 0, 2]));
                    if (encrypted)
                    {
                        keyArn = await volumes.KeyService.ResolveKeyArnAsync(via, request.KmsKeyArn ?? settings.DefaultKmsKeyId ?? VolumeService.AwsManagedEbsAlias, cancellationToken);
                        wrapped = await volumes.GenerateWrappedKeyAsync(via, keyArn, snapshotId, cancellationToken);
                        contextId = snapshotId;
                    }
                }
            }
            catch (Core.Keys.KeyServiceException e)
            {
                throw EbsApiException.Validation("INVALID_CUSTOMER_KEY", $"{e.ErrorCode}: {e.Message}");
            }
            catch (Ec2Exception e)
            {
                throw EbsApiException.Validation("INVALID_CUSTOMER_KEY", e.Message);
            }
            var writers = new Dictionary<uint, string>(parent?.Writers ?? []) { [writerId] = snapshotId };
            var now = volumes.Time.GetUtcNow();
            var record = new SnapshotRecord
            {
                SnapshotId = snapshotId,
                AccountId = caller.AccountId,
                Region = caller.Region,
                VolumeId = "vol-ffffffff",
                VolumeSize = checked((int)request.VolumeSize),
                State = "pending",
                StartTime = now,
                Description = request.Description,
                Encrypted = encrypted,
                KmsKeyArn = keyArn,
                WrappedKey = wrapped,
                KeyContextId = contextId,
                LineageId = lineage,
                Writers = writers,
                ParentSnapshotId = parent?.SnapshotId,
                Tags = [.. request.Tags ?? []],
                DirectWriterId = writerId,
                DirectDeadline = now.AddMinutes(timeout),
                ClientToken = request.ClientToken,
            };
            SecretBytes? key = null;
            BlockCipher? cipher = null;
            if (encrypted)
            {
                try
                {
                    (key, cipher) = await volumes.OpenCipherAsync(via, wrapped!, contextId!, keyArn!, lineage, writers, cancellationToken);
                }
                catch (Ec2Exception e)
                {
                    throw EbsApiException.Validation("INVALID_CUSTOMER_KEY", e.Message);
                }
            }
            var manifest = parent is null ? new Manifest() : volumes.LoadManifest(parent.SnapshotId)?.Clone() ?? new Manifest();
            batch.Add(new KvMutation(Keys.Snapshot(snapshotId), Json.Encode(record)));
            await volumes.Metadata.ApplyAsync(batch, cancellationToken);
            var session = new Session(record, manifest, key, cipher, encrypted ? NonceCounter.Open(volumes.Metadata, lineage, writerId) : null);
            lock (_sessions)
            {
                _sessions[snapshotId] = session;
            }
            return ToResult(record);
        }
        finally
        {
            volumes.Gate.Release();
        }
    }

    /// <summary>Stores one 512 KiB block; returns its verified base64 SHA-256 checksum.</summary>
    public async Task<string> PutSnapshotBlockAsync(Caller caller, string snapshotId, int blockIndex, ReadOnlyMemory<byte> blockData, int dataLength, string checksum, string checksumAlgorithm, CancellationToken cancellationToken = default)
    {
        var session = PendingSession(caller, snapshotId);
        if (dataLength != BlockFormat.DirectBlockSize || blockData.Length != dataLength)
        {
            throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", $"DataLength must be {BlockFormat.DirectBlockSize} and match the body ({blockData.Length} bytes).");
        }
        if (blockIndex < 0 || (long)blockIndex * BlockFormat.DirectBlockSize >= (long)session.Record.VolumeSize << 30)
        {
            throw EbsApiException.Validation("INVALID_BLOCK", $"Block index {blockIndex} is outside the volume.");
        }
        if (checksumAlgorithm != "SHA256")
        {
            throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "ChecksumAlgorithm must be SHA256.");
        }
        var digest = SHA256.HashData(blockData.Span);
        if (Convert.ToBase64String(digest) != checksum)
        {
            throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "The checksum of the block data does not match x-amz-Checksum.");
        }
        await session.Lock.WaitAsync(cancellationToken);
        try
        {
            var first = (long)blockIndex * BlockFormat.BlocksPerDirectBlock;
            for (var i = 0; i < BlockFormat.BlocksPerDirectBlock; i++)
            {
                var plain = blockData.Slice(i * BlockFormat.BlockSize, BlockFormat.BlockSize);
                byte[] record;
                if (session.Cipher is { } cipher)
                {
                    record = new byte[BlockFormat.EncryptedRecordSize];
                    var counter = await session.Nonces!.NextAsync(cancellationToken);
                    cipher.Seal(first + i, session.Record.DirectWriterId, counter, plain.Span, record);
                }
                else
                {
                    record = plain.ToArray();
                }
                volumes.SnapshotBlocks.Write(snapshotId, first + i, record);
                session.Manifest.Entries[first + i] = snapshotId;
            }
            session.Checksums[blockIndex] = digest;
        }
        finally
        {
            session.Lock.Release();
        }
        // The response's x-amz-Checksum is the stored block's checksum, as EBS returns it.
        return checksum;
    }

    public async Task<string> CompleteSnapshotAsync(Caller caller, string snapshotId, int changedBlocksCount, string? checksum = null, string? checksumAlgorithm = null, string? checksumAggregationMethod = null, CancellationToken cancellationToken = default)
    {
        var session = PendingSession(caller, snapshotId);
        await session.Lock.WaitAsync(cancellationToken);
        try
        {
            if (changedBlocksCount != session.Checksums.Count)
            {
                throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", $"ChangedBlocksCount is {changedBlocksCount} but {session.Checksums.Count} blocks were written.");
            }
            if (checksum is not null)
            {
                if (checksumAlgorithm != "SHA256" || checksumAggregationMethod != "LINEAR")
                {
                    throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "The aggregate checksum must be SHA256 with aggregation method LINEAR.");
                }
                // LINEAR: SHA-256 over the per-block digests concatenated in ascending block-index order.
                var aggregate = SHA256.HashData(session.Checksums.Values.SelectMany(d => d).ToArray());
                if (Convert.ToBase64String(aggregate) != checksum)
                {
                    throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "The aggregate checksum does not match the blocks written.");
                }
            }
            await volumes.SnapshotBlocks.FlushAsync(cancellationToken);
            await volumes.Gate.WaitAsync(cancellationToken);
            try
            {
                session.Record.State = "completed";
                session.Record.CompletionTime = volumes.Time.GetUtcNow();
                await volumes.Metadata.ApplyAsync(
                [
                    new KvMutation(Keys.Manifest(snapshotId), session.Manifest.Encode()),
                    new KvMutation(Keys.Snapshot(snapshotId), Json.Encode(session.Record)),
                ], cancellationToken);
            }
            finally
            {
                volumes.Gate.Release();
            }
            lock (_sessions)
            {
                _sessions.Remove(snapshotId);
            }
            session.Dispose();
            return "completed";
        }
        finally
        {
            session.Lock.Release();
        }
    }

    public async Task<SnapshotBlockData> GetSnapshotBlockAsync(Caller caller, string snapshotId, int blockIndex, string blockToken, CancellationToken cancellationToken = default)
    {
        var snapshot = Completed(caller, snapshotId);
        if (!ValidToken(blockToken, snapshotId, blockIndex))
        {
            throw EbsApiException.Validation("INVALID_BLOCK_TOKEN", "The block token is not valid or has expired.");
        }
        var manifest = volumes.LoadManifest(snapshotId) ?? new Manifest();
        SecretBytes? key = null;
        BlockCipher? cipher = null;
        if (snapshot.Encrypted)
        {
            try
            {
                (key, cipher) = await volumes.OpenCipherAsync(caller.Via(EbsService), snapshot.WrappedKey!, snapshot.KeyContextId!, snapshot.KmsKeyArn!, snapshot.LineageId, snapshot.Writers, cancellationToken);
            }
            catch (Ec2Exception e)
            {
                throw EbsApiException.AccessDenied("DEPENDENCY_ACCESS_DENIED", e.Message);
            }
        }
        try
        {
            var data = new byte[BlockFormat.DirectBlockSize];
            var record = new byte[BlockFormat.EncryptedRecordSize];
            var first = (long)blockIndex * BlockFormat.BlocksPerDirectBlock;
            for (var i = 0; i < BlockFormat.BlocksPerDirectBlock; i++)
            {
                if (!manifest.Entries.TryGetValue(first + i, out var holder))
                {
                    continue;
                }
                if (!volumes.SnapshotBlocks.TryRead(holder, first + i, record, out var length))
                {
                    throw new EbsApiException("InternalServerException", 500, null, $"Snapshot block {holder}/{first + i} is missing.");
                }
                var target = data.AsSpan(i * BlockFormat.BlockSize, BlockFormat.BlockSize);
                if (cipher is not null)
                {
                    cipher.Open(first + i, record.AsSpan(0, length), target);
                }
                else
                {
                    record.AsSpan(0, BlockFormat.BlockSize).CopyTo(target);
                }
            }
            return new SnapshotBlockData(data, data.Length, Convert.ToBase64String(SHA256.HashData(data)), "SHA256");
        }
        finally
        {
            cipher?.Dispose();
            key?.Dispose();
        }
    }

    public ListSnapshotBlocksResult ListSnapshotBlocks(Caller caller, string snapshotId, int? startingBlockIndex = null, int? maxResults = null, string? nextToken = null)
    {
        var snapshot = Completed(caller, snapshotId);
        var (start, limit) = Page(snapshotId, startingBlockIndex, maxResults, nextToken);
        var indexes = DirectIndexes(volumes.LoadManifest(snapshotId)).Where(i => i >= start).ToList();
        var page = indexes.Take(limit).ToList();
        var expiry = volumes.Time.GetUtcNow() + volumes.Options.BlockTokenLifetime;
        return new ListSnapshotBlocksResult(
            [.. page.Select(i => new SnapshotBlock(i, Token(snapshotId, i, expiry)))], expiry, snapshot.VolumeSize, BlockFormat.DirectBlockSize,
            indexes.Count > limit ? PageToken(snapshotId, page[^1] + 1) : null);
    }

    public ListChangedBlocksResult ListChangedBlocks(Caller caller, string? firstSnapshotId, string secondSnapshotId, int? startingBlockIndex = null, int? maxResults = null, string? nextToken = null)
    {
        var second = Completed(caller, secondSnapshotId);
        var secondManifest = volumes.LoadManifest(secondSnapshotId) ?? new Manifest();
        var firstManifest = new Manifest();
        if (firstSnapshotId is not null)
        {
            var first = Completed(caller, firstSnapshotId);
            if (first.LineageId != second.LineageId)
            {
                throw EbsApiException.Validation("UNRELATED_SNAPSHOTS", "The snapshots are not from the same lineage.");
            }
            firstManifest = volumes.LoadManifest(firstSnapshotId) ?? new Manifest();
        }
        var (start, limit) = Page(secondSnapshotId, startingBlockIndex, maxResults, nextToken);
        var changed = new SortedSet<int>();
        foreach (var index in firstManifest.Entries.Keys.Union(secondManifest.Entries.Keys))
        {
            var a = firstManifest.Entries.GetValueOrDefault(index);
            var b = secondManifest.Entries.GetValueOrDefault(index);
            if (a != b)
            {
                changed.Add((int)(index / BlockFormat.BlocksPerDirectBlock));
            }
        }
        var firstHas = DirectIndexes(firstManifest).ToHashSet();
        var secondHas = DirectIndexes(secondManifest).ToHashSet();
        var candidates = changed.Where(i => i >= start).ToList();
        var page = candidates.Take(limit).ToList();
        var expiry = volumes.Time.GetUtcNow() + volumes.Options.BlockTokenLifetime;
        return new ListChangedBlocksResult(
            [.. page.Select(i => new ChangedBlock(i,
                firstHas.Contains(i) && firstSnapshotId is not null ? Token(firstSnapshotId, i, expiry) : null,
                secondHas.Contains(i) ? Token(secondSnapshotId, i, expiry) : null))],
            expiry, second.VolumeSize, BlockFormat.DirectBlockSize, candidates.Count > limit ? PageToken(secondSnapshotId, page[^1] + 1) : null);
    }

    private static IEnumerable<int> DirectIndexes(Manifest? manifest) =>
        (manifest?.Entries.Keys ?? Enumerable.Empty<long>()).Select(i => (int)(i / BlockFormat.BlocksPerDirectBlock)).Distinct().Order();

    private SnapshotRecord Completed(Caller caller, string snapshotId)
    {
        SnapshotRecord s;
        try
        {
            s = volumes.LoadSnapshot(caller, snapshotId);
        }
        catch (Ec2Exception)
        {
            throw EbsApiException.NotFound($"The snapshot '{snapshotId}' does not exist.");
        }
        return s.State == "completed" ? s : throw EbsApiException.Validation("INVALID_SNAPSHOT_ID", $"The snapshot '{snapshotId}' is not completed.");
    }

    private Session PendingSession(Caller caller, string snapshotId)
    {
        Session? session;
        lock (_sessions)
        {
            _sessions.TryGetValue(snapshotId, out session);
        }
        if (session is null || session.Record.AccountId != caller.AccountId)
        {
            if (volumes.Metadata.TryGet(Keys.Snapshot(snapshotId), out var bytes) && Json.Decode<SnapshotRecord>(bytes).AccountId == caller.AccountId)
            {
                throw EbsApiException.Validation("INVALID_SNAPSHOT_ID", $"The snapshot '{snapshotId}' is not in the pending state.");
            }
            throw EbsApiException.NotFound($"The snapshot '{snapshotId}' does not exist.");
        }
        if (volumes.Time.GetUtcNow() > session.Record.DirectDeadline)
        {
            throw EbsApiException.Validation("WRITE_REQUEST_TIMEOUT", $"The snapshot '{snapshotId}' timed out before it was completed.");
        }
        return session;
    }

    private (int Start, int Limit) Page(string snapshotId, int? startingBlockIndex, int? maxResults, string? nextToken)
    {
        var limit = maxResults ?? 10000;
        if (limit is < 100 or > 10000)
        {
            throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "MaxResults must be between 100 and 10000.");
        }
        if (nextToken is null)
        {
            return (startingBlockIndex ?? 0, limit);
        }
        // NextToken wins over StartingBlockIndex (EBS direct API FAQ).
        var parsed = ParseToken(nextToken, out var id, out var index, out var expiry);
        if (!parsed || id != "page:" + snapshotId || expiry < volumes.Time.GetUtcNow())
        {
            throw EbsApiException.Validation("INVALID_PAGE_TOKEN", "The page token is not valid or has expired.");
        }
        return (index, limit);
    }

    private string PageToken(string snapshotId, int nextIndex) => MakeToken("page:" + snapshotId, nextIndex, volumes.Time.GetUtcNow().AddMinutes(60));

    internal string Token(string snapshotId, int blockIndex, DateTimeOffset expiry) => MakeToken(snapshotId, blockIndex, expiry);

    private bool ValidToken(string token, string snapshotId, int blockIndex) =>
        ParseToken(token, out var id, out var index, out var expiry) && id == snapshotId && index == blockIndex && expiry >= volumes.Time.GetUtcNow();

    /// <summary>Token = base64url(id ‖ u32 index ‖ i64 expiry ‖ HMAC-SHA256 over those): unforgeable, self-expiring, stateless.</summary>
    private string MakeToken(string id, int index, DateTimeOffset expiry)
    {
        var idBytes = Encoding.UTF8.GetBytes(id);
        var body = new byte[1 + idBytes.Length + 4 + 8];
        body[0] = (byte)idBytes.Length;
        idBytes.CopyTo(body, 1);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(1 + idBytes.Length), index);
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(5 + idBytes.Length), expiry.ToUnixTimeSeconds());
        return Base64Url(body.Concat(HMACSHA256.HashData(_tokenKey, body)).ToArray());
    }

    private bool ParseToken(string token, out string id, out int index, out DateTimeOffset expiry)
    {
        (id, index, expiry) = ("", 0, default);
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (token.Length % 4)) % 4));
        }
        catch (FormatException)
        {
            return false;
        }
        if (raw.Length < 1 + 12 + 32 || raw.Length != 1 + raw[0] + 12 + 32)
        {
            return false;
        }
        var body = raw.AsSpan(0, raw.Length - 32);
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_tokenKey, body), raw.AsSpan(raw.Length - 32)))
        {
            return false;
        }
        id = Encoding.UTF8.GetString(body.Slice(1, raw[0]));
        index = BinaryPrimitives.ReadInt32BigEndian(body[(1 + raw[0])..]);
        expiry = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(body[(5 + raw[0])..]));
        return true;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static StartSnapshotResult ToResult(SnapshotRecord s) => new(
        s.SnapshotId, s.AccountId, s.State, s.StartTime, s.VolumeSize, BlockFormat.DirectBlockSize, s.Description, s.ParentSnapshotId,
        s.KmsKeyArn, s.Encrypted ? "sse-kms" : "none", s.Tags);
}
