using System.Text.Json.Nodes;
using SseSim.Bench;

// Allocation is measured per thread, but keep this assembly's tests sequential so the numbers are steady.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SseSim.Bench.Tests;

/// <summary>Every benchmarked operation stays within bench/allocation-budgets.json (bytes, never time).</summary>
public sealed class AllocationBudgetTests
{
    private static readonly JsonObject Budgets = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "allocation-budgets.json")))!.AsObject();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in Budgets["perOperationBytes"]![AllocationCases.Configuration]!.AsObject().Select(p => p.Key))
        {
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Operation_allocates_within_its_budget(string name)
    {
        var budget = Budgets["perOperationBytes"]![AllocationCases.Configuration]![name]!.GetValue<long>();
        var c = AllocationCases.Create(name);
        try
        {
            var bytes = AllocationCases.Measure(c);
            Assert.True(bytes <= budget, $"{name}: {bytes:F1} B/op, budget {budget} B ({AllocationCases.Configuration})");
        }
        finally
        {
            c.Cleanup();
        }
    }

    [Fact]
    public void Every_benchmarked_operation_has_a_budget()
    {
        var budgeted = Budgets["perOperationBytes"]![AllocationCases.Configuration]!.AsObject().Select(p => p.Key).ToHashSet();
        Assert.All(AllocationCases.All(), c => Assert.Contains(c.Name, budgeted));
    }

    [Theory]
    [InlineData("EnvelopeEncrypt")]
    [InlineData("EnvelopeDecrypt")]
    [InlineData("EnvelopeEncryptToPipe")]
    [InlineData("EnvelopeDecryptToPipe")]
    public void Envelope_segments_allocate_nothing_in_steady_state(string operation)
    {
        var measured = new Dictionary<string, double>();
        foreach (var size in new[] { 65536, 4194304 })
        {
            var c = AllocationCases.Create($"EnvelopeBenchmarks.{operation}(Size={size})");
            try
            {
                measured[c.Name] = AllocationCases.Measure(c);
            }
            finally
            {
                c.Cleanup();
            }
        }
        var perSegment = AllocationCases.PerSegment(measured, operation);
        Assert.True(perSegment <= Budgets["perSegmentBytes"]![operation]!.GetValue<double>(), $"{operation}: {perSegment:F2} B per 64 KiB segment");
    }
}
