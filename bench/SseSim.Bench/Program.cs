using BenchmarkDotNet.Running;
using SseSim.Bench;

// `dotnet run -c Release --project bench/SseSim.Bench -- kms-http [seconds]` runs the HTTP load comparison;
// anything else goes to BenchmarkDotNet (e.g. `-- --filter *Kms*`).
if (args.Length > 0 && args[0] == "kms-http")
{
    return await KmsHttpLoad.RunAsync(args.Skip(1).ToArray());
}
if (args.Length > 0 && args[0] == "kms-loop")
{
    return await KmsInProcessLoop.RunAsync(args.Skip(1).ToArray());
}
BenchmarkSwitcher.FromAssembly(typeof(KmsBenchmarks).Assembly).Run(args);
return 0;
