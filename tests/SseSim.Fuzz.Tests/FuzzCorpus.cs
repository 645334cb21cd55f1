namespace SseSim.Fuzz.Tests;

/// <summary>The checked-in seed corpus and regression inputs, next to the test assembly.</summary>
internal static class FuzzCorpus
{
    public static string Root => AppContext.BaseDirectory;

    public static IReadOnlyList<(string Name, byte[] Bytes)> Seeds(string target) => Read(Path.Combine(Root, "corpus", target));

    public static IReadOnlyList<(string Name, byte[] Bytes)> Regressions(string target) => Read(Path.Combine(Root, "regressions", target));

    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var name in FuzzTargets.All.Keys)
        {
            data.Add(name);
        }
        return data;
    }

    private static List<(string, byte[])> Read(string dir) =>
        Directory.Exists(dir)
            ? [.. Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))]
            : [];
}
