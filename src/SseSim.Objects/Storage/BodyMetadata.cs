using System.Globalization;
using SseSim.Objects.Envelope;

namespace SseSim.Objects.Storage;

/// <summary>
/// What a remote backend stores beside each body (as x-amz-meta-ssesim-*): enough crypto metadata to open the body
/// with the right data key, and nothing that names the object (the KMS context holds the object ARN, so it stays in
/// the metadata record). Values are ASCII; binary is base64.
/// </summary>
public static class BodyMetadata
{
    public const string Format = "ssesim-format";
    public const string Mode = "ssesim-mode";
    public const string WrappedKey = "ssesim-wrapped-key";
    public const string KmsKeyArn = "ssesim-kms-key-arn";
    public const string BucketKeySalt = "ssesim-bucket-key-salt";
    public const string CustomerKeySalt = "ssesim-ssec-salt";
    public const string CustomerKeyHmac = "ssesim-ssec-hmac";
    public const string OuterWrappedKey = "ssesim-outer-wrapped-key";
    public const string Binding = "ssesim-binding";
    public const string PartNumber = "ssesim-part";

    /// <summary>Added by the backend from the first 52 body bytes (docs/formats/object-envelope.md#header).</summary>
    public const string EnvelopeHeader = "ssesim-envelope-header";

    internal static Dictionary<string, string> For(EncryptionRecord encryption, EnvelopeBinding binding)
    {
        var m = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Format] = "1",
            [Mode] = encryption.Mode.ToString(),
            [Binding] = binding.BindingId,
            [PartNumber] = binding.PartNumber.ToString(CultureInfo.InvariantCulture),
        };
        Add(m, WrappedKey, encryption.WrappedKey);
        if (encryption.KmsKeyArn is not null)
        {
            m[KmsKeyArn] = encryption.KmsKeyArn;
        }
        Add(m, BucketKeySalt, encryption.BucketKey ? encryption.BucketKeySalt : null);
        Add(m, CustomerKeySalt, encryption.CustomerKeySalt);
        Add(m, CustomerKeyHmac, encryption.CustomerKeyHmac);
        Add(m, OuterWrappedKey, encryption.OuterWrappedKey);
        return m;
    }

    private static void Add(Dictionary<string, string> m, string name, byte[]? value)
    {
        if (value is not null)
        {
            m[name] = Convert.ToBase64String(value);
        }
    }
}
