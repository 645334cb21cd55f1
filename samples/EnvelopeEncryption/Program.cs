using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;

// Envelope encryption the way the KMS study material teaches it, against a running SseSim:
// 1. GenerateDataKey gives a plaintext data key and the same key wrapped under a KMS key.
// 2. Encrypt the data locally with the plaintext key, then forget it; keep only the wrapped key.
// 3. To read, Decrypt the wrapped key (no key id needed) and decrypt the data locally.
//
//   dotnet run --project src/SseSim.Server &
//   dotnet run --project samples/EnvelopeEncryption -- http://127.0.0.1:4566
var endpoint = args.Length > 0 ? args[0] : "http://127.0.0.1:4566";
using var kms = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("test", "test"),
    new AmazonKeyManagementServiceConfig { ServiceURL = endpoint, AuthenticationRegion = "us-east-1" });

var key = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "envelope encryption sample" });
Console.WriteLine($"KMS key: {key.KeyMetadata.Arn}");

var context = new Dictionary<string, string> { ["file"] = "report.txt" };
var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyMetadata.KeyId, KeySpec = DataKeySpec.AES_256, EncryptionContext = context });

var message = Encoding.UTF8.GetBytes("Quarterly numbers: all up and to the right.");
var nonce = RandomNumberGenerator.GetBytes(12);
var ciphertext = new byte[message.Length];
var tag = new byte[16];
var plaintextKey = dataKey.Plaintext.ToArray();
using (var gcm = new AesGcm(plaintextKey, 16))
{
    gcm.Encrypt(nonce, message, ciphertext, tag);
}
CryptographicOperations.ZeroMemory(plaintextKey);
var wrappedKey = dataKey.CiphertextBlob.ToArray();
Console.WriteLine($"stored: {ciphertext.Length} bytes of ciphertext and a {wrappedKey.Length}-byte wrapped data key");

var unwrapped = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(wrappedKey), EncryptionContext = context });
var recovered = new byte[ciphertext.Length];
using (var gcm = new AesGcm(unwrapped.Plaintext.ToArray(), 16))
{
    gcm.Decrypt(nonce, ciphertext, tag, recovered);
}
Console.WriteLine($"decrypted: {Encoding.UTF8.GetString(recovered)}");
