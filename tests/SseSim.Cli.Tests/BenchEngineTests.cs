using SseSim.Cli.Bench;

namespace SseSim.Cli.Tests;

public class BenchEngineTests
{
    [Theory]
    [InlineData("4096", 4096)]
    [InlineData("4KiB", 4096)]
    [InlineData("64MiB", 64L << 20)]
    [InlineData("2MB", 2_000_000)]
    [InlineData("1GiB", 1L << 30)]
    public void Sizes_parse(string text, long bytes) => Assert.Equal(bytes, Sizes.ParseBytes(text));

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("500ms", 0.5)]
    [InlineData("7", 7)]
    public void Durations_parse(string text, double seconds) => Assert.Equal(seconds, Sizes.ParseDuration(text).TotalSeconds, 6);

    [Theory]
    [InlineData("4XB")]
    [InlineData("-1")]
    [InlineData("4KiB:0")]
    public void Bad_sizes_are_refused(string text) => Assert.Throws<FormatException>(() => SizeDistribution.Parse(text));

    [Fact]
    public void A_weighted_distribution_is_followed_across_the_key_space()
    {
        var d = SizeDistribution.Parse("4KiB:80,1MiB:20");
        var small = Enumerable.Range(0, 10_000).Count(i => d.ForKey(i) == 4096);
        Assert.InRange(small, 7_600, 8_400);
        Assert.Equal(d.ForKey(42), d.ForKey(42));
        Assert.Equal("4KiB:80,1MiB:20", d.ToString());
    }

    [Fact]
    public void Histogram_quantiles_are_within_its_precision()
    {
        var h = new LatencyHistogram();
        for (var i = 1; i <= 100_000; i++)
        {
            h.Record(i * 1000L);
        }
        Assert.Equal(100_000, h.Count);
        Assert.InRange(h.ValueAtQuantile(0.5), 50_000_000 * 0.995, 50_000_000 * 1.005);
        Assert.InRange(h.ValueAtQuantile(0.99), 99_000_000 * 0.995, 99_000_000 * 1.005);
        Assert.InRange(h.ValueAtQuantile(0.999), 99_900_000 * 0.995, 99_900_000 * 1.005);
        Assert.Equal(100_000_000, h.MaxNanoseconds);
        Assert.Equal(1000, h.MinNanoseconds);
        Assert.Equal(50_000_500, h.MeanNanoseconds, 0);
        Assert.Equal(0, new LatencyHistogram().ValueAtQuantile(0.99));
    }

    [Fact]
    public void Small_values_are_exact()
    {
        var h = new LatencyHistogram();
        h.Record(7);
        h.Record(300);
        Assert.Equal(7, h.ValueAtQuantile(0.5));
        Assert.Equal(300, h.ValueAtQuantile(1));
    }

    [Fact]
    public void Options_need_an_export_for_nbd_and_bound_kms_plaintext()
    {
        Assert.Throws<FormatException>(() => BenchOptions.Parse(["--workload", "nbd"]));
        Assert.Throws<FormatException>(() => BenchOptions.Parse(["--workload", "kms-encrypt", "--size", "8KiB"]));
        Assert.Throws<FormatException>(() => BenchOptions.Parse(["--sse", "rot13"]));
        var nbd = BenchOptions.Parse(["--workload", "nbd", "--export", "vol-1", "--queue-depth", "4"]);
        Assert.Equal(4, nbd.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(10), nbd.Duration);
        Assert.Null(BenchOptions.Parse(["--count", "5"]).Duration);
        Assert.Null(BenchOptions.Parse([]).Warmup);
        Assert.Equal(TimeSpan.FromSeconds(3), BenchOptions.Parse(["--warmup", "3s"]).Warmup);
    }

    [Fact]
    public void Prometheus_text_is_summed_per_name()
    {
        var values = ServerProbe.ParsePrometheus("""
            # HELP x y
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total 12.5
            ssesim_kms_requests_total{operation="Decrypt"} 3
            ssesim_kms_requests_total{operation="GenerateDataKey"} 4 1700000000
            """);
        Assert.Equal(12.5, values["process_cpu_seconds_total"]);
        Assert.Equal(7, values["ssesim_kms_requests_total"]);
    }
}
