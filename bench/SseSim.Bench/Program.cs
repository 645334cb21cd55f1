using BenchmarkDotNet.Running;
using SseSim.Bench;

// Load modes (loopback only, bounded in count and time), run with `dotnet run -c Release --project bench/SseSim.Bench -- MODE ...`:
//   kms-http [seconds] [connections]          SseSim vs moto_server GenerateDataKey over HTTP (alias: kms-gdk-http)
//   kms-loop [seconds]                        quick single-thread in-process GenerateDataKey loop
//   s3-http [count64MiB] [seconds4KiB] [clients]  S3 SSE-KMS PUT/GET vs plain-copy baseline and vs moto_server
//   ebs-nbd [rounds] [count4KiB] [depth] [only]  encrypted vs unencrypted volume over NBD with qemu-img bench
// Anything else goes to BenchmarkDotNet (e.g. `-- --filter '*Kms*'`, `-- --filter '*Envelope*'`).
switch (args.FirstOrDefault())
{
    case "kms-http":
    case "kms-gdk-http":
        return await KmsGdkHttpLoad.RunAsync(args.Skip(1).ToArray());
    case "kms-loop":
        return await KmsInProcessLoop.RunAsync(args.Skip(1).ToArray());
    case "s3-http":
        return await S3HttpLoad.RunAsync(args.Skip(1).ToArray());
    case "ebs-nbd":
        return await EbsNbdLoad.RunAsync(args.Skip(1).ToArray());
    default:
        BenchmarkSwitcher.FromAssembly(typeof(KmsBenchmarks).Assembly).Run(args);
        return 0;
}
