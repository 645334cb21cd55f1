using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public static class Rotation
{
    /// <summary>Only symmetric keys with KMS-generated material rotate (asymmetric and HMAC keys do not).</summary>
    public static void RequireRotatable(KmsKey key)
    {
        if (!key.SpecInfo.IsSymmetric)
        {
            throw KmsException.Unsupported($"{key.Arn} does not support key rotation: only symmetric encryption keys can be rotated.");
        }
    }
}
