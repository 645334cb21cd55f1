using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using SseSim.Bench;

// End-to-end figures come from `ssesim bench` (bench/run-e2e.sh runs every comparison). This project holds the
// BenchmarkDotNet microbenchmarks (`-- --filter '*'`) and the baseline servers the e2e script starts:
//   plain-copy-server [port]      Kestrel on 127.0.0.1:port (0: ephemeral, printed) until SIGTERM or Ctrl-C
//   memory-ceiling-server [port]  the same, keeping AES-GCM-sealed bodies in memory (the small-object ceiling)
//   alloc [--write FILE]       bytes allocated per operation of every benchmark (the allocation budgets)
//   cpu [CASE] [SECONDS] [WARM] process CPU time per operation of one case, every thread included
if (args.FirstOrDefault() is "plain-copy-server" or "memory-ceiling-server")
{
    var port = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
    await using var server = args[0] == "plain-copy-server" ? await PlainCopyServer.StartAsync(port) : await MemoryCeilingServer.StartAsync(port);
    Console.WriteLine(server.Endpoint);
    var stop = new TaskCompletionSource();
    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
    {
        c.Cancel = true;
        stop.TrySetResult();
    });
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
    {
        c.Cancel = true;
        stop.TrySetResult();
    });
    await stop.Task;
    return 0;
}
if (args.FirstOrDefault() == "cpu")
{
    return CpuCost.Run(args[1..]);
}
if (args.FirstOrDefault() == "alloc")
{
    return AllocationCases.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(KmsBenchmarks).Assembly).Run(args);
return 0;
