using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Kms;

/// <summary>
/// AWS's front-door validation as boto3 meets it with its own checks switched off (as conformance suites and other SDKs
/// send such requests): every violated model constraint in one ValidationException, "N validation errors detected:
/// ...; ...", members named as the API spells them, before any key lookup.
/// </summary>
public sealed class RequestValidationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Prelude = """
import os, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1",
                   config=Config(parameter_validation=False, retries={"max_attempts": 1}))
def error(op, **kw):
    try:
        getattr(kms, op)(**kw)
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError(op + " succeeded")
def null(member):
    return "Value null at '%s' failed to satisfy constraint: Member must not be null" % member
def expect(got, *errors, code="ValidationException"):
    n = len(errors)
    want = (400, code, "%d validation error%s detected: %s" % (n, "" if n == 1 else "s", "; ".join(errors)))
    assert got == want, "\n got: %r\nwant: %r" % (got, want)
key = kms.create_key()["KeyMetadata"]["KeyId"]

""";

    private async Task RunAsync(string script)
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync(Prelude + script);
    }

    [Fact]
    public Task Encrypt_reports_every_violated_constraint_at_once() => RunAsync("""
expect(error("encrypt"), null("keyId"), null("plaintext"))
expect(error("encrypt", KeyId="k" * 2049, Plaintext=b"", GrantTokens=["t"] * 11, EncryptionAlgorithm="AES"),
       "Value '%s' at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048" % ("k" * 2049),
       "Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1",
       "Value '[%s]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10" % ", ".join(["t"] * 11),
       "Value 'AES' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]")
# Validation comes before the key lookup: a missing key with a bad member is a ValidationException, not NotFound.
expect(error("encrypt", KeyId="alias/missing", Plaintext=b"x" * 4097),
       "Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096")
expect(error("encrypt", KeyId=key, Plaintext=b"x", GrantTokens=[""]),
       "Value '[]' at 'grantTokens' failed to satisfy constraint: Member must satisfy constraint: [Member must have length greater than or equal to 1]")
""");

    [Fact]
    public Task GenerateDataKey_names_null_members_without_quotes_and_checks_ranges_and_enums_together() => RunAsync("""
expect(error("generate_data_key"), null("keyId"))
expect(error("generate_data_key", KeyId=key, NumberOfBytes=0, KeySpec="AES_512"),
       "Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
       "Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]")
expect(error("generate_data_key_pair"), null("keyId"), null("keyPairSpec"))
expect(error("re_encrypt", CiphertextBlob=b"x", DestinationKeyId=""),
       "Value '' at 'destinationKeyId' failed to satisfy constraint: Member must have length greater than or equal to 1")
expect(error("verify"), null("keyId"), null("message"), null("signature"), null("signingAlgorithm"))
expect(error("generate_mac"), null("message"), null("keyId"), null("macAlgorithm"))
""");

    [Fact]
    public Task CreateAlias_reports_length_and_pattern_and_the_member_that_holds_the_key() => RunAsync("""
pattern = "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
expect(error("create_alias"), null("aliasName"), null("targetKeyId"))
expect(error("create_alias", AliasName="", TargetKeyId=key),
       "Value '' at 'aliasName' failed to satisfy constraint: Member must have length greater than or equal to 1",
       "Value '' at 'aliasName' failed to satisfy constraint: " + pattern)
expect(error("create_alias", AliasName="alias/x", TargetKeyId=""),
       "Value '' at 'targetKeyId' failed to satisfy constraint: Member must have length greater than or equal to 1")
# UpdateAlias without a target was a NotFoundException for the alias before the missing member was noticed.
expect(error("update_alias", AliasName="alias/none"), null("targetKeyId"))
expect(error("delete_alias", AliasName="alias/a b"), "Value 'alias/a b' at 'aliasName' failed to satisfy constraint: " + pattern)
""");

    [Fact]
    public Task CreateGrant_checks_principals_operations_and_names_against_the_model() => RunAsync("""
expect(error("create_grant"), null("keyId"), null("granteePrincipal"), null("operations"))
expect(error("create_grant", KeyId=key, GranteePrincipal="", Operations=["Encrypt", "Fly"], Name="bad name"),
       "Value '' at 'granteePrincipal' failed to satisfy constraint: Member must have length greater than or equal to 1",
       "Value '' at 'granteePrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$",
       "Value '[Encrypt, Fly]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo, Sign, Verify, GetPublicKey, CreateGrant, RetireGrant, DescribeKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateMac, VerifyMac, DeriveSharedSecret]]",
       "Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
# ListRetirableGrants and ListGrants check the principal pattern too (they listed nothing before).
expect(error("list_retirable_grants", RetiringPrincipal="not a principal!"),
       "Value 'not a principal!' at 'retiringPrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$")
expect(error("revoke_grant"), null("keyId"), null("grantId"))
""");

    [Fact]
    public Task ListKeys_checks_limit_and_marker_before_reading_the_marker() => RunAsync("""
expect(error("list_keys", Limit=1001), "Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000")
expect(error("list_keys", Marker=""), "Value '' at 'marker' failed to satisfy constraint: Member must have length greater than or equal to 1")
expect(error("list_aliases", Marker="m" * 1025),
       "Value '%s' at 'marker' failed to satisfy constraint: Member must have length less than or equal to 1024" % ("m" * 1025))
expect(error("list_resource_tags", KeyId=key, Limit=0, Marker=""),
       "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
       "Value '' at 'marker' failed to satisfy constraint: Member must have length greater than or equal to 1")
assert error("list_keys", Marker="not-one-of-ours")[1] == "InvalidMarkerException"
page = kms.list_keys(Limit=1)
assert page["Truncated"] and len(page["Keys"]) == 1 and "NextMarker" in page, page
""");

    [Fact]
    public Task TagResource_addresses_each_tag_by_position() => RunAsync("""
expect(error("tag_resource"), null("keyId"), null("tags"))
expect(error("tag_resource", KeyId=key, Tags=[{"TagKey": "ok", "TagValue": "v"}, {"TagKey": "", "TagValue": "v" * 257}]),
       "Value '' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
       "Value '%s' at 'tags.2.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256" % ("v" * 257))
expect(error("tag_resource", KeyId=key, Tags=[{"TagKey": "k"}]), null("tags.1.member.tagValue"))
assert error("tag_resource", KeyId=key, Tags=[{"TagKey": "aws:x", "TagValue": "v"}])[1] == "TagException"
expect(error("untag_resource", KeyId=key, TagKeys=["k" * 129]),
       "Value '[%s]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128]" % ("k" * 129))
""");

    [Fact]
    public Task CreateKey_prints_the_model_enum_sets_in_model_order() => RunAsync("""
got = error("create_key", KeyUsage="SIGN", Description="d" * 8193)
expect(got,
       "Value '%s' at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192" % ("d" * 8193),
       "Value 'SIGN' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [SIGN_VERIFY, ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, KEY_AGREEMENT]")
assert "ML_DSA_44" in error("create_key", KeySpec="RSA_1024")[2]
# A policy must stay within the model's character set (tab, newline, carriage return, U+0020-U+00FF).
assert "regular expression pattern" in error("create_key", Policy="{\"Statement\": \"\u2603\"}")[2]
""");

    [Fact]
    public Task GenerateMac_and_VerifyMac_print_the_mac_algorithm_set_in_the_order_AWS_printed_it() => RunAsync("""
# LocalStack's AWS-recorded test_invalid_generate_mac / test_invalid_verify_mac: not the model's order.
hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
invalid = "Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]"
expect(error("generate_mac", KeyId=hmac, Message=b"m", MacAlgorithm="INVALID"), invalid)
expect(error("verify_mac", KeyId=hmac, Message=b"m", MacAlgorithm="INVALID", Mac=b"x" * 32), invalid)
""");

    [Fact]
    public Task ScheduleKeyDeletion_separates_the_model_range_from_the_7_to_30_day_rule() => RunAsync("""
expect(error("schedule_key_deletion", KeyId=key, PendingWindowInDays=0),
       "Value '0' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 1")
expect(error("schedule_key_deletion", KeyId=key, PendingWindowInDays=366),
       "Value '366' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 365")
# Inside the model's 1-365 but outside KMS's own 7-30: KMS's own message, as AWS answered a window of 1.
for days in (1, 3, 31):
    got = error("schedule_key_deletion", KeyId=key, PendingWindowInDays=days)
    assert got == (400, "ValidationException", "PendingWindowInDays must be between 7 and 30"), got
expect(error("enable_key_rotation", KeyId=key, RotationPeriodInDays=89),
       "Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90")
""");

    [Fact]
    public Task Nested_structures_are_checked_member_by_member_under_their_parent_path() => RunAsync("""
enum = "Member must satisfy enum value set: [RSAES_OAEP_SHA_256]"
bad_recipient = {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_1", "AttestationDocument": b""}
recipient = ["Value 'RSAES_OAEP_SHA_1' at 'recipient.keyEncryptionAlgorithm' failed to satisfy constraint: " + enum,
             "Value at 'recipient.attestationDocument' failed to satisfy constraint: Member must have length greater than or equal to 1"]
# Recipient sits after numberOfBytes (GenerateRandom) and after encryptionAlgorithm (Decrypt) in the model.
expect(error("generate_random", NumberOfBytes=0, Recipient=bad_recipient),
       "Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1", *recipient)
expect(error("generate_data_key", KeyId=key, Recipient=bad_recipient), *recipient)
expect(error("generate_data_key_pair", KeyId=key, KeyPairSpec="RSA_2048", Recipient=bad_recipient), *recipient)
expect(error("derive_shared_secret", KeyId=key, KeyAgreementAlgorithm="ECDH", PublicKey=b"k", Recipient=bad_recipient), *recipient)
expect(error("decrypt", CiphertextBlob=b"c", EncryptionAlgorithm="AES", Recipient=bad_recipient),
       "Value 'AES' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]",
       *recipient)
# A well-formed Recipient passes the front door and meets SseSim's refusal of Nitro attestation.
assert error("generate_random", NumberOfBytes=8, Recipient={"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": b"doc"})[1] == "UnsupportedOperationException"

# The external key store credential: both members required, both sensitive (never echoed), checked where the model puts them.
secret = "lowercase-secret-is-not-in-the-pattern!"
status, code, message = error("update_custom_key_store", CustomKeyStoreId="cks-1234567890abcdef0", XksProxyUriPath="/kms/xks/v1",
                              XksProxyAuthenticationCredential={"AccessKeyId": "abc", "RawSecretAccessKey": secret},
                              XksProxyConnectivity="PRIVATE")
redacted = "Value '*** Sensitive Data Redacted ***' at 'xksProxyAuthenticationCredential.%s' failed to satisfy constraint: Member must %s"
expect((status, code, message),
       redacted % ("accessKeyId", "have length greater than or equal to 20"),
       redacted % ("accessKeyId", "satisfy regular expression pattern: ^[A-Z2-7]+$"),
       redacted % ("rawSecretAccessKey", "have length greater than or equal to 43"),
       redacted % ("rawSecretAccessKey", "satisfy regular expression pattern: ^[a-zA-Z0-9\\/+=]+$"),
       "Value 'PRIVATE' at 'xksProxyConnectivity' failed to satisfy constraint: Member must satisfy enum value set: [PUBLIC_ENDPOINT, VPC_ENDPOINT_SERVICE]")
assert secret not in message and "abc" not in message
expect(error("create_custom_key_store", CustomKeyStoreName="x", CustomKeyStoreType="EXTERNAL_KEY_STORE",
             XksProxyAuthenticationCredential={"AccessKeyId": "ABCDEFGHIJKLMNOPQRST"}),
       null("xksProxyAuthenticationCredential.rawSecretAccessKey"))
""");

    [Fact]
    public Task A_member_of_the_wrong_JSON_type_is_a_SerializationException_naming_what_was_found() => RunAsync("""
def serialization(op, **kw):
    status, code, message = error(op, **kw)
    assert (status, code) == (400, "SerializationException"), (status, code, message)
    return message
assert serialization("describe_key", KeyId=5) == "NUMBER_VALUE can not be converted to a String"
# Encryption context values are strings: a number inside the map is reported the same way.
assert serialization("encrypt", KeyId=key, Plaintext=b"x", EncryptionContext={"purpose": 1}) == "NUMBER_VALUE can not be converted to a String"
assert serialization("list_keys", Limit="5") == "STRING_VALUE can not be converted to an Integer"
assert serialization("describe_key", KeyId=["a"]) == "Start of list found where not expected."
assert serialization("describe_key", KeyId={"a": "b"}) == "Start of structure or map found where not expected."
assert serialization("create_grant", KeyId=key, GranteePrincipal="p", Operations=[{"Op": "Encrypt"}]) == "Start of structure or map found where not expected."

# Error bodies carry member names in plain quotes, not HTML-escaped.
raw = {}
kms.meta.events.register("after-call.kms.DescribeKey", lambda http_response, **kw: raw.update(body=http_response.content))
error("describe_key", KeyId="")
assert b"at 'keyId'" in raw["body"], raw
""");

    [Fact]
    public Task Decrypt_needs_a_ciphertext_except_for_an_IGNORE_CIPHERTEXT_dry_run() => RunAsync("""
# CiphertextBlob is optional in the model since DryRunModifiers: a permission check needs no ciphertext.
assert error("decrypt", KeyId=key, DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"])[1] == "DryRunOperationException"
assert error("re_encrypt", SourceKeyId=key, DestinationKeyId=key, DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"])[1] == "DryRunOperationException"
expect(error("decrypt", KeyId=key), null("ciphertextBlob"))
expect(error("decrypt", KeyId=key, DryRun=True, DryRunModifiers=["NONE"]),
       "Value '[NONE]' at 'dryRunModifiers' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [IGNORE_CIPHERTEXT]]")
""");
}
