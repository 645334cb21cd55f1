using System.Text;
using System.Text.Json.Nodes;
using SseSim.Core.Crypto;
using SseSim.Server.Kms;

namespace SseSim.Fuzz.Tests;

/// <summary>
/// What byte mutation rarely produces for JSON: every KMS operation with every request member left out, set to
/// null, or given a value of the wrong JSON type. Each must answer a 4xx (ValidationException, SerializationException,
/// ...), never KMSInternalException. A failing body is written to regressions/KmsRequest/ like a fuzz crash.
/// </summary>
public sealed class KmsStructuralTests
{
    private static readonly JsonNode?[] Substitutes = [null, JsonValue.Create(-1), JsonValue.Create("x"), new JsonArray(), new JsonObject(), JsonValue.Create(true)];

    [Fact]
    public void Every_operation_rejects_every_member_of_the_wrong_shape_cleanly()
    {
        var kms = FuzzFixtures.NewKms();
        var operations = new KmsEndpoint(kms).Operations.Order(StringComparer.Ordinal).ToList();
        FuzzFixtures.RunSync(() => kms.DisposeAsync().AsTask());
        var template = Template();
        var failures = new List<string>();
        KmsEndpoint endpoint;
        foreach (var operation in operations)
        {
            // One KMS per operation: state changes (deletion, disabling) stay within that operation's bodies.
            kms = FuzzFixtures.NewKms();
            endpoint = new KmsEndpoint(kms);
            Try(operation, new JsonObject());
            Try(operation, template.DeepClone().AsObject());
            foreach (var member in template.Select(p => p.Key))
            {
                var without = template.DeepClone().AsObject();
                without.Remove(member);
                Try(operation, without);
                foreach (var value in Substitutes)
                {
                    var body = template.DeepClone().AsObject();
                    body[member] = value?.DeepClone();
                    Try(operation, body);
                }
            }
            FuzzFixtures.RunSync(() => kms.DisposeAsync().AsTask());
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));

        void Try(string operation, JsonObject body)
        {
            var input = Encoding.UTF8.GetBytes(operation + "\n" + body.ToJsonString());
            int status;
            string response;
            try
            {
                status = FuzzTargets.InvokeKms(endpoint, input, out response);
            }
            catch (Exception e)
            {
                (status, response) = (599, e.GetType().Name + ": " + e.Message);
            }
            if (status >= 500)
            {
                var dir = Path.Combine(RegressionDir(), "KmsRequest");
                Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, $"structural-{operation}-{failures.Count}.txt"), input);
                failures.Add($"{operation} {body.ToJsonString()} -> {status} {response}");
            }
        }
    }

    /// <summary>A body with valid values for the members most operations take, so each substitution is the only fault.</summary>
    private static JsonObject Template()
    {
        var blob = Convert.ToBase64String(FuzzFixtures.SealBlob("secret"u8, EncryptionContext.Empty));
        return new JsonObject
        {
            ["KeyId"] = FuzzFixtures.KeyId,
            ["Plaintext"] = "aGVsbG8=",
            ["CiphertextBlob"] = blob,
            ["SourceKeyId"] = FuzzFixtures.KeyId,
            ["DestinationKeyId"] = FuzzFixtures.KeyAlias,
            ["EncryptionContext"] = new JsonObject { ["a"] = "b" },
            ["GrantTokens"] = new JsonArray("token"),
            ["KeySpec"] = "AES_256",
            ["NumberOfBytes"] = 32,
            ["KeyPairSpec"] = "ECC_NIST_P256",
            ["Limit"] = 10,
            ["Marker"] = "bWFya2Vy",
            ["Policy"] = Kms.KeyPolicies.Default("000000000000"),
            ["PolicyName"] = "default",
            ["GranteePrincipal"] = "arn:aws:iam::000000000000:role/r",
            ["RetiringPrincipal"] = "arn:aws:iam::000000000000:role/r",
            ["Operations"] = new JsonArray("Decrypt", "Encrypt"),
            ["Constraints"] = new JsonObject { ["EncryptionContextSubset"] = new JsonObject { ["a"] = "b" } },
            ["GrantId"] = new string('0', 64),
            ["GrantToken"] = "token",
            ["Name"] = "grant",
            ["AliasName"] = "alias/other",
            ["TargetKeyId"] = FuzzFixtures.KeyId,
            ["Description"] = "d",
            ["Tags"] = new JsonArray(new JsonObject { ["TagKey"] = "k", ["TagValue"] = "v" }),
            ["TagKeys"] = new JsonArray("k"),
            ["PendingWindowInDays"] = 7,
            ["RotationPeriodInDays"] = 90,
            ["Message"] = "aGVsbG8=",
            ["MessageType"] = "RAW",
            ["SigningAlgorithm"] = "ECDSA_SHA_256",
            ["Signature"] = "aGVsbG8=",
            ["MacAlgorithm"] = "HMAC_SHA_256",
            ["Mac"] = "aGVsbG8=",
            ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
            ["SourceEncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
            ["DestinationEncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
            ["WrappingAlgorithm"] = "RSAES_OAEP_SHA_256",
            ["WrappingKeySpec"] = "RSA_2048",
            ["ImportToken"] = "aGVsbG8=",
            ["EncryptedKeyMaterial"] = "aGVsbG8=",
            ["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE",
            ["ValidTo"] = 1900000000,
            ["KeyUsage"] = "ENCRYPT_DECRYPT",
            ["Origin"] = "AWS_KMS",
            ["BypassPolicyLockoutSafetyCheck"] = false,
            ["DryRun"] = false,
            ["IncludeKeyMaterial"] = "ALL_KEY_MATERIAL",
        };
    }

    private static string RegressionDir([System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "regressions");
}
