using SseSim.Objects.Remote;

namespace SseSim.Server.Hosting;

/// <summary>Turns the --object-backend* settings into the remote backend's options, failing fast on bad combinations.</summary>
internal static class ObjectBackendOptions
{
    /// <summary>Null for the embedded backend.</summary>
    public static RemoteS3Options? Remote(ServerOptions options)
    {
        switch (options.ObjectBackend.ToLowerInvariant())
        {
            case "embedded":
                return null;
            case "s3":
                break;
            default:
                throw new InvalidOperationException($"--object-backend must be 'embedded' or 's3', not '{options.ObjectBackend}'");
        }
        return new RemoteS3Options
        {
            Endpoint = Required(options.ObjectBackendEndpoint, "--object-backend-endpoint"),
            Bucket = Required(options.ObjectBackendBucket, "--object-backend-bucket"),
            AccessKey = Required(options.ObjectBackendAccessKey, "--object-backend-access-key"),
            SecretKey = Required(options.ObjectBackendSecretKey, "--object-backend-secret-key"),
            Region = options.ObjectBackendRegion,
        };
    }

    private static string Required(string? value, string option) => string.IsNullOrEmpty(value)
        ? throw new InvalidOperationException($"--object-backend s3 needs {option}")
        : value;
}
