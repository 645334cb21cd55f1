using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SseSim.Core.Faults;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms;
using SseSim.Kms.Crypto;
using SseSim.Objects;
using SseSim.Server.Admin;
using SseSim.Server.Auth;
using SseSim.Server.CloudTrail;
using SseSim.Server.Ebs;
using SseSim.Server.Ec2;
using SseSim.Server.Kms;
using SseSim.Server.Metrics;
using SseSim.Server.S3;
using SseSim.Storage.Faster;
using SseSim.Volumes;
using SseSim.Volumes.Direct;
using SseSim.Volumes.Snapshots;

namespace SseSim.Server.Hosting;

/// <summary>
/// Builds the whole server. Program.cs is a thin shell over this, and tests, samples and benchmarks start the
/// same host in-process (on port 0 for an ephemeral port).
/// </summary>
public static class SseSimHost
{
    /// <param name="ownsProcess">True only from the server's Program: process-wide settings (SocketScheduling) apply.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, bool ownsProcess = false)
    {
        // Volume block reads that miss FASTER's memory wait synchronously for I/O whose completion itself needs a
        // thread-pool thread; with up to 16 NBD requests in flight per connection, the pool's default minimum (one
        // per core) starved those completions and random reads fell to tens per second.
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, 64), minIo);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddEnvironmentVariables("SSESIM_");
        builder.Configuration.AddCommandLine(args, ServerOptions.SwitchMappings.ToDictionary());
        configure?.Invoke(builder);

        var options = builder.Configuration.Get<ServerOptions>() ?? new ServerOptions();
        options.DataDir = Path.GetFullPath(options.DataDir);
        SocketScheduling.Apply(options, ownsProcess);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Parse(options.Host == "localhost" ? "127.0.0.1" : options.Host), options.Port);
            k.Limits.MaxRequestBodySize = null; // S3 enforces its own object-size limits.
            k.AddServerHeader = false;
            // Hostile clients (docs/security.md#limits): a hard ceiling above the APIs' own header limits, and timeouts
            // so a client trickling headers or a body cannot hold a connection open forever.
            k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.RequestHeadersTimeoutSeconds);
            k.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(options.RequestBodyGraceSeconds));
            k.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // With this category enabled at any level, hosting starts an Activity and a log scope for every request
        // (1.7-2.6 % of the server's CPU in a kms-gdk profile); it logs nothing at Warning anyway.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        var seed = SeedFile.Load(options.Seed);
        // Tests that move the clock register their own TimeProvider through the configure hook.
        var time = builder.Services.LastOrDefault(d => d.ServiceType == typeof(TimeProvider))?.ImplementationInstance as TimeProvider ?? TimeProvider.System;
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(time);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(new IdentityRegistry(seed.Identities.Select(i => i.ToIdentity()),
            seed.Identities.Where(i => i.Admin).Select(i => i.AccessKeyId).Concat(options.AdminAccessKey is { Length: > 0 } a ? [a] : [])));
        builder.Services.AddSingleton(new IoLatencyFault(time));
        builder.Services.AddSingleton<IStorageProvider>(sp =>
        {
            IStorageProvider faster = new FasterStorageProvider(Path.Combine(options.DataDir, "store"));
            // Fault-injection tests register a StorageFaults switch through the configure hook.
            return sp.GetService<Core.Storage.Faults.StorageFaults>() is { } faults ? new Core.Storage.Faults.FaultyStorageProvider(faster, faults) : faster;
        });
        builder.Services.AddSingleton(_ => options.RootKey is { Length: > 0 } supplied
            ? new RootKey(SecretBytes.TakeFrom(Convert.FromBase64String(supplied)))
            : RootKey.LoadOrCreate(options.DataDir));
        builder.Services.AddSingleton(sp => new KmsService(
            new KmsOptions
            {
                Region = options.Region,
                QuotasEnabled = options.KmsQuotas,
                SymmetricRequestsPerSecond = options.KmsSymmetricRequestsPerSecond,
                RsaRequestsPerSecond = options.KmsRsaRequestsPerSecond,
                EccRequestsPerSecond = options.KmsEccRequestsPerSecond,
            },
            sp.GetRequiredService<IStorageProvider>(), sp.GetRequiredService<RootKey>(), time, sp.GetRequiredService<IMeterFactory>()));
        builder.Services.AddSingleton(sp =>
        {
            using var s3Master = sp.GetRequiredService<RootKey>().DeriveSubkey("s3-sse-s3-master");
            var storeOptions = new ObjectStoreOptions
            {
                Meters = sp.GetRequiredService<IMeterFactory>(),
                RestoreDuration = TimeSpan.FromSeconds(Math.Max(0, options.S3RestoreSeconds)),
            };
            // Fault injection reaches object bodies too, on either backend (docs/security.md#faulty-storage).
            Func<Objects.Storage.IObjectBodyStore, Objects.Storage.IObjectBodyStore>? faultyBodies =
                sp.GetService<Core.Storage.Faults.StorageFaults>() is { } faults ? bodies => new Objects.Storage.FaultyObjectBodyStore(bodies, faults) : null;
            if (ObjectBackendOptions.Remote(options) is { } remote)
            {
                return Objects.Remote.RemoteObjectBackend.CreateAsync(sp.GetRequiredService<IStorageProvider>(), remote,
                    new KmsDataKeyService(sp.GetRequiredService<KmsService>()), s3Master, time, storeOptions, faultyBodies).GetAwaiter().GetResult();
            }
            return ObjectStore.Create(sp.GetRequiredService<IStorageProvider>(), options.DataDir,
                new KmsDataKeyService(sp.GetRequiredService<KmsService>()), s3Master, time, storeOptions, faultyBodies);
        });
        // Refusals of S3 and EC2 calls are audited in the same trail as KMS's events (docs/security.md#cross-account).
        builder.Services.AddSingleton<Core.Audit.IAuditSink>(sp => sp.GetRequiredService<KmsService>().Audit);
        builder.Services.AddSingleton<S3Endpoint>();
        builder.Services.AddSingleton(_ => new FasterBlockStore(Path.Combine(options.DataDir, "blocks")));
        builder.Services.AddSingleton(sp => new VolumeService(
            sp.GetRequiredService<IStorageProvider>().OpenTable("ebs"),
            sp.GetService<Core.Storage.Faults.StorageFaults>() is { } faults
                ? new Core.Storage.Faults.FaultyBlockStore(sp.GetRequiredService<FasterBlockStore>(), faults)
                : sp.GetRequiredService<FasterBlockStore>(),
            new ObjectStoreSnapshotBlocks(sp.GetRequiredService<ObjectStore>()),
            new KmsDataKeyService(sp.GetRequiredService<KmsService>()),
            time,
            new VolumeServiceOptions
            {
                EnforceVolumeLimits = options.VolumeLimits,
                IoLatency = sp.GetRequiredService<IoLatencyFault>(),
                Meters = sp.GetRequiredService<IMeterFactory>(),
            }));
        builder.Services.AddSingleton(sp => new EbsDirectService(sp.GetRequiredService<VolumeService>()));
        builder.Services.AddSingleton(sp => new NbdHost(new Nbd.NbdServer(
            new System.Net.IPEndPoint(System.Net.IPAddress.Parse(options.Host == "localhost" ? "127.0.0.1" : options.Host), options.NbdPort),
            sp.GetRequiredService<VolumeService>().Exports)
        {
            RequestFailed = NbdHost.LogFailure(sp.GetRequiredService<ILoggerFactory>().CreateLogger("SseSim.Nbd")),
        }));
        builder.Services.AddSingleton<Ec2Endpoint>();
        builder.Services.AddSingleton<EbsEndpoint>();
        builder.Services.AddSingleton<SigV4Verifier>();
        builder.Services.AddSingleton<KmsEndpoint>();
        builder.Services.AddSingleton<LookupEventsEndpoint>();
        builder.Services.AddSingleton(sp => new TrailStore(sp.GetRequiredService<IStorageProvider>().OpenTable("cloudtrail")));
        builder.Services.AddSingleton(sp => new TrailContext(sp.GetRequiredService<TrailStore>(), sp.GetRequiredService<ObjectStore>(),
            sp.GetRequiredService<KmsService>(), time));
        builder.Services.AddSingleton(sp => new TrailDelivery(sp.GetRequiredService<TrailStore>(), sp.GetRequiredService<ObjectStore>(),
            sp.GetRequiredService<KmsService>(), time, sp.GetRequiredService<ILogger<TrailDelivery>>()));
        builder.Services.AddSingleton<Admin.TrailDeliveryEndpoint>();
        builder.Services.AddSingleton<CloudTrailEndpoint>();
        builder.Services.AddSingleton(new SseSim.Core.Tracing.TraceRecorder(time));
        builder.Services.AddSingleton(sp => SseSim.Core.Tracing.FlowJournal.Open(
            sp.GetRequiredService<SseSim.Core.Tracing.TraceRecorder>(), Path.Combine(options.DataDir, "traces")));
        builder.Services.AddSingleton<Dashboard.DashboardAuth>();
        builder.Services.AddSingleton<Dashboard.DashboardApi>();
        builder.Services.AddSingleton<Dashboard.DashboardEndpoint>();
        builder.Services.AddSingleton<ApiRouter>();
        builder.Services.AddSingleton<FaultControl>();
        builder.Services.AddSingleton<FaultsEndpoint>();
        builder.Services.AddSingleton<RequestMetrics>();
        builder.Services.AddSingleton<PrometheusExport>();

        var app = builder.Build();
        var kms = app.Services.GetRequiredService<KmsService>();
        app.Services.GetRequiredService<SseSim.Core.Tracing.FlowJournal>();
        var identities = app.Services.GetRequiredService<IdentityRegistry>();
        KmsSeeding.ApplyAsync(kms, seed.Keys, identities.All.First().AccountId).GetAwaiter().GetResult();
        app.Services.GetRequiredService<ObjectStore>().RecoverAsync().GetAwaiter().GetResult();
        app.Services.GetRequiredService<VolumeService>().LoadAsync().GetAwaiter().GetResult();
        // Trail log files are delivered on the injected clock (docs/formats/cloudtrail-trails.md#delivered-log-files).
        app.Services.GetRequiredService<TrailDelivery>().Start();
        var nbd = app.Services.GetRequiredService<NbdHost>();
        app.Lifetime.ApplicationStarted.Register(() => nbd.Server.StartAsync().GetAwaiter().GetResult());
        // Detaching every volume zeroes the keys held for attachments before the process goes.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<VolumeService>().StopAsync().GetAwaiter().GetResult());

        // The container disposes KmsService before the storage it writes to (reverse creation order).
        var router = app.Services.GetRequiredService<ApiRouter>();
        var requestMetrics = app.Services.GetRequiredService<RequestMetrics>();
        var prometheus = app.Services.GetRequiredService<PrometheusExport>();
        app.Use(async (context, next) =>
        {
            if (PrometheusExport.Matches(context.Request))
            {
                await prometheus.HandleAsync(context, options.MetricsAnyClient);
                return;
            }
            await requestMetrics.MeasureAsync(context, next);
        });
        app.Run(router.HandleAsync);
        return app;
    }
}

/// <summary>Owns the NBD listener so the container stops it before the volumes and block store go.</summary>
public sealed class NbdHost(Nbd.NbdServer server) : IAsyncDisposable
{
    public Nbd.NbdServer Server { get; } = server;

    /// <summary>An NBD error reply carries only the errno: the server log keeps the cause (exception type and message).</summary>
    public static Action<Nbd.NbdRequestFailure> LogFailure(ILogger logger) => f => logger.LogWarning(
        "NBD {Command} of {Length} bytes at offset {Offset} on {Export} answered error {Error}: {ExceptionType}: {Message}",
        f.Command, f.Length, f.Offset, f.Export, f.Error, f.Exception.GetType().FullName, f.Exception.Message);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
