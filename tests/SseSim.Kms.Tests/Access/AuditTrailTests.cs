using System.Text;
using System.Text.Json;
using SseSim.Kms.Audit;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Access.AccessKit;

namespace SseSim.Kms.Tests.Access;

public sealed class AuditTrailTests : IAsyncLifetime
{
    private readonly AccessKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync()
    {
        await _kit.Kms.Audit.FlushAsync();
        return _kit.Kms.Audit.Recent();
    }

    [Fact]
    public async Task A_successful_call_has_the_cloudtrail_shape()
    {
        var key = await _kit.CreateKeyAsync();
        await _kit.DescribeAsync(Bob, key.KeyId);
        var e = (await EventsAsync())[0];
        using var doc = JsonDocument.Parse(e.Json);
        var root = doc.RootElement;
        Assert.Equal("1.11", root.GetProperty("eventVersion").GetString());
        Assert.Equal("kms.amazonaws.com", root.GetProperty("eventSource").GetString());
        Assert.Equal("DescribeKey", root.GetProperty("eventName").GetString());
        Assert.Equal("us-east-1", root.GetProperty("awsRegion").GetString());
        Assert.Equal("AwsApiCall", root.GetProperty("eventType").GetString());
        Assert.True(root.GetProperty("readOnly").GetBoolean());
        Assert.Equal(Account1, root.GetProperty("recipientAccountId").GetString());
        Assert.Matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$", root.GetProperty("eventTime").GetString());
        var identity = root.GetProperty("userIdentity");
        Assert.Equal("IAMUser", identity.GetProperty("type").GetString());
        Assert.Equal($"arn:aws:iam::{Account1}:user/bob", identity.GetProperty("arn").GetString());
        Assert.Equal("AKIDBOB", identity.GetProperty("accessKeyId").GetString());
        // An IAM user's principalId is its unique id (AIDA…), never the access key; the root user's is the account id.
        Assert.Matches("^AIDA[A-Z2-7]{17}$", identity.GetProperty("principalId").GetString());
        Assert.Equal(Account1, new SseSim.Core.Aws.Identity("AKIDROOT", "secret", Account1, "root").PrincipalId);
        Assert.Equal(key.KeyId, root.GetProperty("requestParameters").GetProperty("keyId").GetString());
        var resource = root.GetProperty("resources")[0];
        Assert.Equal("AWS::KMS::Key", resource.GetProperty("type").GetString());
        Assert.Equal(key.Arn, resource.GetProperty("ARN").GetString());
        Assert.False(root.TryGetProperty("errorCode", out _));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("responseElements").ValueKind);
    }

    [Fact]
    public async Task A_refused_call_carries_errorCode_and_errorMessage()
    {
        var key = await _kit.CreateKeyAsync();
        await Denied(() => _kit.DescribeAsync(Carol, key.Arn!));
        var e = (await EventsAsync())[0];
        Assert.Equal("AccessDeniedException", e.ErrorCode);
        using var doc = JsonDocument.Parse(e.Json);
        Assert.Contains("is not authorized to perform: kms:DescribeKey", doc.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(Account2, doc.RootElement.GetProperty("userIdentity").GetProperty("accountId").GetString());
    }

    [Fact]
    public async Task Calls_through_a_service_show_invokedBy_and_the_encryption_context()
    {
        var key = await _kit.CreateKeyAsync();
        await _kit.GenerateDataKeyAsync(Bob, key.KeyId, new Dictionary<string, string> { ["aws:s3:arn"] = "arn:aws:s3:::b/k" }, via: "s3");
        using var doc = JsonDocument.Parse((await EventsAsync())[0].Json);
        var root = doc.RootElement;
        Assert.Equal("s3.amazonaws.com", root.GetProperty("userIdentity").GetProperty("invokedBy").GetString());
        Assert.Equal("s3.amazonaws.com", root.GetProperty("sourceIPAddress").GetString());
        Assert.Equal("arn:aws:s3:::b/k", root.GetProperty("requestParameters").GetProperty("encryptionContext").GetProperty("aws:s3:arn").GetString());
    }

    [Fact]
    public async Task Events_written_from_the_writers_fragment_caches_match_events_built_without_them()
    {
        // The writer thread reuses encoded userIdentity and resources pieces; the outbox path (any thread) encodes
        // them afresh. Both must give the same bytes, also for a second identity and service after the first.
        var key = await _kit.CreateKeyAsync();
        var stored = _kit.Kms.Store.FindKey(key.KeyId)!;
        foreach (var (who, via) in new[] { (Bob, "s3"), (Bob, (string?)null), (Alice, "ec2"), (Bob, "s3") })
        {
            await _kit.GenerateDataKeyAsync(who, key.KeyId, new Dictionary<string, string> { ["k"] = "\"é<" }, via: via);
            var logged = (await EventsAsync())[0];
            var call = new KmsCall(_kit.Kms, As(who, via), "GenerateDataKey", default);
            call.Touch(stored);
            var rebuilt = _kit.Kms.Audit.BuildOutboxEvent(call, new GenerateDataKeyRequest { KeyId = key.KeyId }, logged.EventId);
            using var a = JsonDocument.Parse(logged.Json);
            using var b = JsonDocument.Parse(rebuilt);
            foreach (var member in new[] { "userIdentity", "resources", "sourceIPAddress", "userAgent", "eventSource", "eventName", "awsRegion",
                "eventType", "managementEvent", "recipientAccountId", "eventCategory" })
            {
                Assert.Equal(b.RootElement.GetProperty(member).GetRawText(), a.RootElement.GetProperty(member).GetRawText());
            }
            // The cached runs are spliced into the writer's output: same members in the same order (the rebuilt event
            // has no response, so no additionalEventData).
            Assert.Equal(b.RootElement.EnumerateObject().Select(m => m.Name),
                a.RootElement.EnumerateObject().Select(m => m.Name).Where(n => n != "additionalEventData"));
        }
    }

    [Fact]
    public async Task Data_key_and_encrypt_requestParameters_keep_the_serializer_members_order_and_omissions()
    {
        var key = await _kit.CreateKeyAsync();
        var context = new Dictionary<string, string> { ["b"] = "2", ["a"] = "é" };
        await _kit.Call(Alice, "GenerateDataKey", new GenerateDataKeyRequest { KeyId = key.KeyId, EncryptionContext = context, NumberOfBytes = 16 },
            GenerateDataKey.ExecuteAsync);
        // Refused (both KeySpec and NumberOfBytes), still audited.
        await Fails(() => _kit.Call(Alice, "GenerateDataKeyWithoutPlaintext",
            new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, KeySpec = "AES_128", NumberOfBytes = 16 }, GenerateDataKeyWithoutPlaintext.ExecuteAsync));
        await _kit.Call(Alice, "Encrypt", new EncryptRequest { KeyId = key.KeyId, Plaintext = [1, 2], EncryptionAlgorithm = "SYMMETRIC_DEFAULT", DryRun = false },
            Encrypt.ExecuteAsync);
        await Fails(() => _kit.Call(Alice, "GenerateDataKey", new GenerateDataKeyRequest(), GenerateDataKey.ExecuteAsync));
        var events = await EventsAsync();
        string Parameters(int index)
        {
            using var doc = JsonDocument.Parse(events[index].Json);
            return doc.RootElement.GetProperty("requestParameters").GetRawText();
        }
        Assert.Equal("null", Parameters(0));
        Assert.Equal($$"""{"keyId":"{{key.KeyId}}","encryptionAlgorithm":"SYMMETRIC_DEFAULT","dryRun":false}""", Parameters(1));
        Assert.Equal($$"""{"keyId":"{{key.KeyId}}","keySpec":"AES_128","numberOfBytes":16}""", Parameters(2));
        Assert.Equal($$"""{"keyId":"{{key.KeyId}}","encryptionContext":{"b":"2","a":"é"},"numberOfBytes":16}""", Parameters(3));
    }

    [Fact]
    public async Task PutKeyPolicy_logs_the_policy_document()
    {
        var key = await _kit.CreateKeyAsync();
        await _kit.PutPolicyAsync(Alice, key.KeyId, Policy());
        using var doc = JsonDocument.Parse((await EventsAsync())[0].Json);
        Assert.Equal(Policy(), doc.RootElement.GetProperty("requestParameters").GetProperty("policy").GetString());
        Assert.False(doc.RootElement.GetProperty("readOnly").GetBoolean());
    }

    [Fact]
    public async Task No_plaintext_data_key_ciphertext_or_grant_token_ever_reaches_an_event()
    {
        var key = await _kit.CreateKeyAsync();
        var canary = Encoding.UTF8.GetBytes("CANARY-PLAINTEXT-7f3a9c");
        var ctx = new Dictionary<string, string> { ["purpose"] = "canary" };
        var encrypted = await _kit.Call(Alice, "Encrypt", new EncryptRequest { KeyId = key.KeyId, Plaintext = canary, EncryptionContext = ctx }, Encrypt.ExecuteAsync);
        var decrypted = await _kit.Call(Alice, "Decrypt", new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = ctx }, Decrypt.ExecuteAsync);
        Assert.Equal(canary, decrypted.Plaintext.UnsafeExpose().ToArray());
        var dataKey = await _kit.GenerateDataKeyAsync(Alice, key.KeyId, ctx);
        var grant = await _kit.CreateGrantAsync(Alice, key.KeyId, $"arn:aws:iam::{Account1}:user/bob", ["Decrypt"]);
        await _kit.DescribeAsync(Alice, key.KeyId, grantTokens: [grant.GrantToken]);
        await Fails(() => _kit.Call(Alice, "Decrypt", new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, GrantTokens = [grant.GrantToken] }, Decrypt.ExecuteAsync));
        await _kit.Call(Alice, "RetireGrant", new RetireGrantRequest { GrantToken = grant.GrantToken }, RetireGrant.ExecuteAsync);

        var secrets = new[]
        {
            "CANARY-PLAINTEXT-7f3a9c",
            Convert.ToBase64String(canary),
            Convert.ToBase64String(encrypted.CiphertextBlob),
            Convert.ToBase64String(dataKey.Plaintext.UnsafeExpose()),
            Convert.ToBase64String(dataKey.CiphertextBlob),
            grant.GrantToken,
        };
        var events = await EventsAsync();
        Assert.Equal(8, events.Count);
        foreach (var e in events)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, e.Json, StringComparison.Ordinal);
            }
        }
        // The context is logged in clear, as AWS does.
        Assert.Contains("canary", events.Single(e => e.EventName == "Encrypt").Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookupEvents_filters_pages_newest_first_and_survives_restart()
    {
        var key = await _kit.CreateKeyAsync();
        for (var i = 0; i < 7; i++)
        {
            _kit.Time.Advance(TimeSpan.FromMinutes(1));
            await _kit.DescribeAsync(i % 2 == 0 ? Alice : Bob, key.KeyId);
        }
        await Denied(() => _kit.DescribeAsync(Carol, key.Arn!));
        await _kit.Kms.Audit.FlushAsync();
        var audit = _kit.Kms.Audit;

        var (all, none) = audit.LookupEvents(null, null, null);
        Assert.Null(none);
        Assert.Equal(9, all.Count);
        Assert.Equal("CreateKey", all[^1].EventName);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.EventTime >= p.Second.EventTime));

        Assert.Equal(7, audit.LookupEvents(new LookupAttribute("EventName", "DescribeKey"), null, null).Events.Count(e => e.ErrorCode is null));
        Assert.Equal(3, audit.LookupEvents(new LookupAttribute("Username", "bob"), null, null).Events.Count);
        Assert.Equal(3, audit.LookupEvents(new LookupAttribute("AccessKeyId", "AKIDBOB"), null, null).Events.Count);
        Assert.Single(audit.LookupEvents(new LookupAttribute("ReadOnly", "false"), null, null).Events);
        Assert.Equal(9, audit.LookupEvents(new LookupAttribute("ResourceName", key.Arn!), null, null).Events.Count);
        Assert.Equal(9, audit.LookupEvents(new LookupAttribute("ResourceType", "AWS::KMS::Key"), null, null).Events.Count);
        Assert.Equal(9, audit.LookupEvents(new LookupAttribute("EventSource", "kms.amazonaws.com"), null, null).Events.Count);
        var one = all[3];
        Assert.Equal(one, Assert.Single(audit.LookupEvents(new LookupAttribute("EventId", one.EventId), null, null).Events));

        var start = all[5].EventTime;
        var end = all[2].EventTime;
        var ranged = audit.LookupEvents(null, start, end).Events;
        Assert.All(ranged, e => Assert.InRange(e.EventTime, start, end));
        Assert.Equal(4, ranged.Count);

        var pages = new List<AuditEvent>();
        string? token = null;
        do
        {
            var (page, next) = audit.LookupEvents(new LookupAttribute("EventName", "DescribeKey"), null, null, 3, token);
            pages.AddRange(page);
            token = next;
        }
        while (token is not null);
        Assert.Equal(audit.LookupEvents(new LookupAttribute("EventName", "DescribeKey"), null, null).Events, pages);

        await _kit.RestartAsync();
        var reloaded = _kit.Kms.Audit.LookupEvents(null, null, null).Events;
        Assert.Equal(all.Select(e => e.EventId), reloaded.Select(e => e.EventId));
    }

    [Fact]
    public async Task LookupEvents_rejects_bad_queries()
    {
        var audit = _kit.Kms.Audit;
        await _kit.CreateKeyAsync();
        await _kit.CreateKeyAsync();
        await audit.FlushAsync();
        Assert.Equal("InvalidMaxResultsException", Assert.Throws<CloudTrailException>(() => audit.LookupEvents(null, null, null, 51)).ErrorType);
        Assert.Equal("InvalidMaxResultsException", Assert.Throws<CloudTrailException>(() => audit.LookupEvents(null, null, null, 0)).ErrorType);
        Assert.Equal("InvalidLookupAttributesException", Assert.Throws<CloudTrailException>(() => audit.LookupEvents(new LookupAttribute("Color", "x"), null, null)).ErrorType);
        var now = _kit.Time.GetUtcNow();
        Assert.Equal("InvalidTimeRangeException", Assert.Throws<CloudTrailException>(() => audit.LookupEvents(null, now, now.AddDays(-1))).ErrorType);
        Assert.Equal("InvalidNextTokenException", Assert.Throws<CloudTrailException>(() => audit.LookupEvents(null, null, null, 1, "garbage")).ErrorType);
        var (_, token) = audit.LookupEvents(null, null, null, 1);
        Assert.NotNull(token);
        Assert.Equal("InvalidNextTokenException", Assert.Throws<CloudTrailException>(() => audit.LookupEvents(new LookupAttribute("EventName", "CreateKey"), null, null, 1, token)).ErrorType);
    }
}
