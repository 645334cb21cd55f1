using Minio;
using Minio.DataModel.Args;
using SseSim.Core.Keys;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Objects.Storage;

namespace SseSim.Objects.Remote;

/// <summary>Builds an <see cref="ObjectStore"/> whose bodies and object records live in a shared remote bucket.</summary>
public static class RemoteObjectBackend
{
    public static IMinioClient CreateClient(RemoteS3Options options)
    {
        var uri = new Uri(options.Endpoint, UriKind.Absolute);
        return new MinioClient()
            .WithEndpoint(uri.Host, uri.Port)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .WithRegion(options.Region)
            .WithSSL(uri.Scheme == Uri.UriSchemeHttps)
            .WithHttpClient(new HttpClient(new RangeCompatHandler()), disposeHttpClient: true)
            .Build();
    }

    /// <summary>Creates the bucket if it is missing (several front ends may race here; "already exists" is fine).</summary>
    public static async Task EnsureBucketAsync(IMinioClient client, RemoteS3Options options, CancellationToken cancellationToken = default)
    {
        if (await client.BucketExistsAsync(new BucketExistsArgs().WithBucket(options.Bucket), cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        try
        {
            await client.MakeBucketAsync(new MakeBucketArgs().WithBucket(options.Bucket).WithLocation(options.Region), cancellationToken).ConfigureAwait(false);
        }
        catch (Minio.Exceptions.MinioException)
        {
            if (!await client.BucketExistsAsync(new BucketExistsArgs().WithBucket(options.Bucket), cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    public static async Task<ObjectStore> CreateAsync(
        IStorageProvider storage,
        RemoteS3Options options,
        IDataKeyService dataKeys,
        SecretBytes s3MasterKey,
        TimeProvider? timeProvider = null,
        ObjectStoreOptions? storeOptions = null,
        Func<IObjectBodyStore, IObjectBodyStore>? decorateBodies = null,
        CancellationToken cancellationToken = default)
    {
        var client = CreateClient(options);
        await EnsureBucketAsync(client, options, cancellationToken).ConfigureAwait(false);
        var index = new SharedObjectIndex(storage.OpenTable(ObjectStore.MetadataTableName), client, options.Bucket, s3MasterKey);
        IObjectBodyStore bodies = new RemoteS3BodyStore(client, options.Bucket, options.ReadWindow);
        return new ObjectStore(index, decorateBodies?.Invoke(bodies) ?? bodies, dataKeys, s3MasterKey, timeProvider, storeOptions);
    }
}
