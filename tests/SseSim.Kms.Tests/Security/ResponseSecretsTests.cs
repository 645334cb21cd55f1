using System.Runtime.CompilerServices;
using SseSim.Core.Secrets;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Security;

/// <summary>The HTTP layer zeroes a response's plaintext through <see cref="IHoldsSecrets"/>; a response type that holds a secret without it would leak past the wire.</summary>
public sealed class ResponseSecretsTests
{
    [Fact]
    public void Every_response_with_a_secret_disposes_all_of_them()
    {
        var holders = typeof(IHoldsSecrets).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.Name.EndsWith("Response", StringComparison.Ordinal))
            .Select(t => (Type: t, Secrets: t.GetProperties().Where(p => p.PropertyType == typeof(SecretBytes)).ToArray()))
            .Where(x => x.Secrets.Length > 0)
            .ToList();
        Assert.Contains(holders, h => h.Type == typeof(GenerateDataKeyResponse));
        foreach (var (type, secrets) in holders)
        {
            Assert.True(typeof(IHoldsSecrets).IsAssignableFrom(type), $"{type.Name} holds SecretBytes but is not IHoldsSecrets");
            var response = (IHoldsSecrets)RuntimeHelpers.GetUninitializedObject(type);
            var values = secrets.Select(p =>
            {
                var secret = SecretBytes.Random(16);
                // Records expose init-only properties; the backing field is set as the constructor would.
                p.SetValue(response, secret);
                return secret;
            }).ToList();
            response.DisposeSecrets();
            Assert.All(values, s => Assert.True(s.IsDisposed, $"{type.Name} left a secret undisposed"));
        }
    }
}
