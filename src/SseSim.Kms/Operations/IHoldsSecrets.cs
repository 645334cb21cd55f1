namespace SseSim.Kms.Operations;

/// <summary>A response that carries plaintext (data keys, private keys, random bytes, shared secrets): whoever puts it
/// on the wire zeroes it afterwards through this one call, so no transport has to find the secrets itself.</summary>
public interface IHoldsSecrets
{
    void DisposeSecrets();
}
