using SseSim.Fuzz;

// dotnet run --project src/SseSim.Fuzz -- <target> [file...]   replays files (or stdin) through one target
// dotnet run --project src/SseSim.Fuzz -- <target> --libfuzzer  runs under SharpFuzz's libFuzzer driver
// dotnet run --project src/SseSim.Fuzz -- seeds <dir>           writes the valid seed corpus, one folder per target
if (args.Length == 0 || (args[0] != "seeds" && !FuzzTargets.All.ContainsKey(args[0])))
{
    Console.Error.WriteLine("usage: <target> [--libfuzzer | file...] | seeds <dir>");
    Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.All.Keys));
    return 2;
}
if (args[0] == "seeds")
{
    foreach (var (target, seeds) in SeedCorpus.All())
    {
        var dir = Path.Combine(args.Length > 1 ? args[1] : "corpus", target);
        Directory.CreateDirectory(dir);
        foreach (var (name, bytes) in seeds)
        {
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
        }
    }
    return 0;
}
var run = FuzzTargets.All[args[0]];
if (args.Length > 1 && args[1] == "--libfuzzer")
{
    SharpFuzz.Fuzzer.LibFuzzer.Run(span => run(span));
    return 0;
}
if (args.Length == 1)
{
    using var stdin = new MemoryStream();
    Console.OpenStandardInput().CopyTo(stdin);
    run(stdin.ToArray());
    return 0;
}
foreach (var file in args.Skip(1))
{
    run(File.ReadAllBytes(file));
    Console.WriteLine($"{file}: ok");
}
return 0;
