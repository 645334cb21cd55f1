using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// A logging trail delivers gzip JSON log files to its bucket under CloudTrail's key layout, with the account's
/// events its selectors select, SSE-KMS under the trail's key (KMS sees cloudtrail.amazonaws.com), and reports
/// delivery and its failures in GetTrailStatus.
/// </summary>
public sealed class TrailDeliveryTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Log_files_hold_the_selected_events_encrypted_under_the_trail_key()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync(TrailScripts.Prelude + """
import re, base64
log_bucket("delivered-logs", account, "ct")
key = trail_key(account)
arn = ct.create_trail(Name="delivering", S3BucketName="delivered-logs", S3KeyPrefix="ct", KmsKeyId=key)["TrailARN"]
before = kms.create_key(Description="before logging")["KeyMetadata"]["KeyId"]
import time; time.sleep(1.1)  # events of StartLogging's own second may be delivered (README)
ct.start_logging(Name="delivering")
data_key = kms.create_key(Description="while logging")["KeyMetadata"]["KeyId"]
kms.generate_data_key(KeyId=data_key, KeySpec="AES_256")
s3.create_bucket(Bucket="app-data")

deliveries = deliver("delivering")
assert len(deliveries) == 1 and deliveries[0]["TrailARN"] == arn and deliveries[0]["Error"] is None, deliveries
[obj] = deliveries[0]["Objects"]
assert re.fullmatch(rf"ct/AWSLogs/{account}/CloudTrail/us-east-1/\d{{4}}/\d{{2}}/\d{{2}}/{account}_CloudTrail_us-east-1_\d{{8}}T\d{{4}}Z_[A-Za-z0-9]{{16}}\.json\.gz", obj), obj
listed = [o["Key"] for o in s3.list_objects_v2(Bucket="delivered-logs", Prefix="ct/AWSLogs/")["Contents"]]
assert listed == [obj], listed
head = s3.head_object(Bucket="delivered-logs", Key=obj)
assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key, head
assert head["ContentType"] == "application/json" and head["ContentEncoding"] == "gzip", head
events = records("delivered-logs", obj)
names = [(e["eventSource"], e["eventName"]) for e in events]
assert ("kms.amazonaws.com", "CreateKey") in names and ("kms.amazonaws.com", "GenerateDataKey") in names, names
assert ("s3.amazonaws.com", "CreateBucket") in names and ("cloudtrail.amazonaws.com", "StartLogging") in names, names
assert not any(e.get("responseElements") and e["responseElements"].get("keyMetadata", {}).get("keyId") == before for e in events), "event from before StartLogging"
assert all(e["recipientAccountId"] == account for e in events)
times = [e["eventTime"] for e in events]
assert times == sorted(times), times

# The log file's data key came from KMS, invoked by CloudTrail, with CloudTrail's encryption context.
gdk = [json.loads(e["CloudTrailEvent"]) for e in ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GenerateDataKey"}])["Events"]]
mine = [e for e in gdk if e["requestParameters"].get("encryptionContext", {}).get("aws:cloudtrail:arn") == arn]
assert mine and mine[0]["userIdentity"].get("invokedBy") == "cloudtrail.amazonaws.com", gdk
assert mine[0]["requestParameters"]["encryptionContext"]["aws:s3:arn"] == f"arn:aws:s3:::delivered-logs/{obj}", mine[0]

status = ct.get_trail_status(Name="delivering")
assert "LatestDeliveryTime" in status and "LatestDeliveryError" not in status and status["LatestDeliveryAttemptSucceeded"].endswith("Z"), status
# Since then: the status call, the delivery's GenerateDataKey and the reads' Decrypt; the next delivery writes only those.
second = deliver("delivering")[0]["Objects"]
assert all(e["eventName"] in ("GetTrailStatus", "GenerateDataKey", "Decrypt") for o in second for e in records("delivered-logs", o)), [e["eventName"] for o in second for e in records("delivered-logs", o)]
""");
    }

    [Fact]
    public async Task Selectors_filter_and_a_deleted_bucket_is_a_delivery_error()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync(TrailScripts.Prelude + """
log_bucket("filtered-logs", account)
ct.create_trail(Name="writes-only", S3BucketName="filtered-logs")
ct.put_event_selectors(TrailName="writes-only", EventSelectors=[{"ReadWriteType": "WriteOnly", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}])
ct.start_logging(Name="writes-only")
k = kms.create_key()["KeyMetadata"]["KeyId"]
kms.describe_key(KeyId=k)
s3.create_bucket(Bucket="filtered-app")
s3.list_buckets()
[d] = deliver("writes-only")
events = [e for o in d["Objects"] for e in records("filtered-logs", o)]
names = {e["eventName"] for e in events}
assert "CreateBucket" in names, names
assert not any(e["readOnly"] for e in events), [e["eventName"] for e in events if e["readOnly"]]
assert not any(e["eventSource"] == "kms.amazonaws.com" for e in events), names
# The bucket has no default encryption set: S3's default (SSE-S3) applies to the log file.
assert s3.head_object(Bucket="filtered-logs", Key=d["Objects"][0])["ServerSideEncryption"] == "AES256"

# Advanced selectors: only KMS's CreateKey.
ct.put_event_selectors(TrailName="writes-only", AdvancedEventSelectors=[{"FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]}, {"Field": "readOnly", "Equals": ["false"]}]}])
kms.create_key()
s3.create_bucket(Bucket="filtered-app-2")
[d] = deliver("writes-only")
names = [e["eventName"] for o in d["Objects"] for e in records("filtered-logs", o)]
assert names == ["CreateKey"], names

# A deleted bucket: the delivery fails, GetTrailStatus says why, and the events wait for the next delivery.
for o in s3.list_objects_v2(Bucket="filtered-logs").get("Contents", []):
    s3.delete_object(Bucket="filtered-logs", Key=o["Key"])
s3.delete_bucket(Bucket="filtered-logs")
kms.create_key()
[d] = deliver("writes-only")
assert d["Error"] == "NoSuchBucket" and d["Objects"] == [], d
status = ct.get_trail_status(Name="writes-only")
assert status["LatestDeliveryError"] == "NoSuchBucket", status
s3.create_bucket(Bucket="filtered-logs")
[d] = deliver("writes-only")
assert d["Error"] is None and len(d["Objects"]) == 1, d
assert "LatestDeliveryError" not in ct.get_trail_status(Name="writes-only")
""");
    }

    [Fact]
    public async Task S3_object_data_events_are_delivered_only_when_selected()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync(TrailScripts.Prelude + """
log_bucket("data-logs", account)
ct.create_trail(Name="data-trail", S3BucketName="data-logs")
ct.put_event_selectors(TrailName="data-trail", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": False,
    "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::watched/"]}]}])
s3.create_bucket(Bucket="watched")
s3.create_bucket(Bucket="unwatched")
s3.put_object(Bucket="watched", Key="before.txt", Body=b"x")  # not logging yet
ct.start_logging(Name="data-trail")
s3.put_object(Bucket="watched", Key="a.txt", Body=b"hello")
s3.get_object(Bucket="watched", Key="a.txt")["Body"].read()
s3.put_object(Bucket="unwatched", Key="b.txt", Body=b"hello")
[d] = deliver("data-trail")
events = [e for o in d["Objects"] for e in records("data-logs", o)]
got = [(e["eventName"], e["requestParameters"]["bucketName"], e["requestParameters"]["key"], e["readOnly"], e["managementEvent"], e["eventCategory"]) for e in events]
assert got == [("PutObject", "watched", "a.txt", False, False, "Data"), ("GetObject", "watched", "a.txt", True, False, "Data")], got
assert {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::watched/a.txt"} in events[0]["resources"], events[0]
# Data events stay out of the event history.
assert ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "PutObject"}])["Events"] == []
""");
    }
}
