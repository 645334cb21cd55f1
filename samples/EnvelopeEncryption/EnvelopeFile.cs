using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace EnvelopeEncryption;

/// <summary>
/// Envelope encryption of a local file by hand, the way the KMS study material teaches it:
/// GenerateDataKey, encrypt locally with the plaintext key, store the wrapped key beside the file, drop the plaintext
/// key. To read, Decrypt the wrapped key (KMS finds the KMS key from the blob) and decrypt the file locally.
/// </summary>
public static class EnvelopeFile
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Writes <c>FILE.enc</c> (nonce | ciphertext | tag) and <c>FILE.key</c> (the wrapped data key).</summary>
    public static async Task<(string EncryptedPath, string WrappedKeyPath)> EncryptAsync(
        IAmazonKeyManagementService kms, string keyId, string path, Dictionary<string, string> context, TextWriter log)
    {
        var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest
        {
            KeyId = keyId,
            KeySpec = DataKeySpec.AES_256,
            EncryptionContext = context,
        });
        var plaintextKey = dataKey.Plaintext.ToArray();
        try
        {
            var plaintext = await File.ReadAllBytesAsync(path);
            var output = new byte[NonceSize + plaintext.Length + TagSize];
            var nonce = output.AsSpan(0, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using (var gcm = new AesGcm(plaintextKey, TagSize))
            {
                gcm.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length));
            }
            await File.WriteAllBytesAsync(path + ".enc", output);
            await File.WriteAllBytesAsync(path + ".key", dataKey.CiphertextBlob.ToArray());
            log.WriteLine($"encrypted {plaintext.Length} bytes -> {path}.enc; wrapped data key ({dataKey.CiphertextBlob.Length} bytes) -> {path}.key");
        }
        finally
        {
            // The plaintext data key must not outlive the encryption: zero our copy and the SDK's buffer.
            CryptographicOperations.ZeroMemory(plaintextKey);
            if (dataKey.Plaintext.TryGetBuffer(out var sdkBuffer))
            {
                CryptographicOperations.ZeroMemory(sdkBuffer);
            }
        }
        return (path + ".enc", path + ".key");
    }

    /// <summary>Unwraps <c>FILE.key</c> with KMS Decrypt and decrypts <c>FILE.enc</c>.</summary>
    public static async Task<byte[]> DecryptAsync(IAmazonKeyManagementService kms, string encryptedPath, string wrappedKeyPath, Dictionary<string, string> context)
    {
        var unwrapped = await kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(await File.ReadAllBytesAsync(wrappedKeyPath)),
            EncryptionContext = context,
        });
        var key = unwrapped.Plaintext.ToArray();
        try
        {
            var input = await File.ReadAllBytesAsync(encryptedPath);
            if (input.Length < NonceSize + TagSize)
            {
                throw new InvalidDataException($"{encryptedPath} is too short to be an encrypted file");
            }
            var plaintext = new byte[input.Length - NonceSize - TagSize];
            using var gcm = new AesGcm(key, TagSize);
            gcm.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, plaintext.Length), input.AsSpan(input.Length - TagSize), plaintext);
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The whole walk-through on one file: create a KMS key, encrypt, forget the key, decrypt, compare.</summary>
    public static async Task<int> RunAsync(string endpoint, string? file, TextWriter log)
    {
        using var kms = new AmazonKeyManagementServiceClient(new Amazon.Runtime.BasicAWSCredentials(
                Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "test", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "test"),
            new AmazonKeyManagementServiceConfig { ServiceURL = endpoint, AuthenticationRegion = "us-east-1" });
        var key = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "envelope encryption sample" });
        log.WriteLine($"KMS key: {key.KeyMetadata.Arn}");

        if (file is null)
        {
            file = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.txt");
            await File.WriteAllTextAsync(file, "Quarterly numbers: all up and to the right.\n");
        }
        var context = new Dictionary<string, string> { ["file"] = Path.GetFileName(file) };
        var (encrypted, wrappedKey) = await EncryptAsync(kms, key.KeyMetadata.KeyId, file, context, log);

        var recovered = await DecryptAsync(kms, encrypted, wrappedKey, context);
        var original = await File.ReadAllBytesAsync(file);
        var same = recovered.AsSpan().SequenceEqual(original);
        log.WriteLine(same ? $"decrypted {recovered.Length} bytes: identical to {file}" : "decrypted bytes differ!");

        // The wrong encryption context is refused: the context is bound to the wrapped key.
        try
        {
            await DecryptAsync(kms, encrypted, wrappedKey, new Dictionary<string, string> { ["file"] = "other.txt" });
            log.WriteLine("unexpected: a different encryption context decrypted the key");
            return 1;
        }
        catch (InvalidCiphertextException)
        {
            log.WriteLine("a different encryption context is refused with InvalidCiphertextException");
        }
        return same ? 0 : 1;
    }
}
