using System.Globalization;

namespace SseSim.Volumes;

/// <summary>AWS volume type rules (sizes in GiB, IOPS, MiB/s) as documented for CreateVolume/ModifyVolume (gp3 and io2 up to 64 TiB, gp3 up to 80,000 IOPS and 2,000 MiB/s).</summary>
internal static class VolumeTypes
{
    public static readonly string[] All = ["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"];

    /// <summary>Validates and fills defaults; returns the effective (iops, throughput) to store.</summary>
    public static (int? Iops, int? Throughput) Validate(string type, int size, int? iops, int? throughput)
    {
        if (!All.Contains(type))
        {
            throw Ec2Exception.InvalidParameter($"Value ({type}) for parameter volumeType is invalid. Valid types: {string.Join(", ", All)}.");
        }
        var (minSize, maxSize) = type switch
        {
            "io1" => (4, 16384),
            "io2" => (4, 65536),
            "gp3" => (1, 65536),
            "st1" or "sc1" => (125, 16384),
            "standard" => (1, 1024),
            _ => (1, 16384),
        };
        if (size > maxSize)
        {
            throw Ec2Exception.InvalidParameter($"Volume of {size}GiB is too large for volume type {type}; maximum is {maxSize}GiB");
        }
        if (size < minSize)
        {
            // Worded like AWS's too-large answer; the too-small one is not on record.
            throw Ec2Exception.InvalidParameter($"Volume of {size}GiB is too small for volume type {type}; minimum is {minSize}GiB");
        }
        if (throughput is not null && type != "gp3")
        {
            throw Ec2Exception.Combination($"The parameter throughput is not supported for {type} volumes.");
        }
        switch (type)
        {
            case "gp3":
                {
                    var i = iops ?? 3000;
                    var t = throughput ?? 125;
                    if (i < 3000 || i > 80000)
                    {
                        throw Ec2Exception.InvalidParameter($"The parameter iops must be between 3000 and 80000 for gp3 volumes; got {i}.");
                    }
                    if (i > 3000 && i > size * 500)
                    {
                        throw IopsRatioTooHigh(i, size, 500);
                    }
                    if (t < 125 || t > 2000)
                    {
                        throw Ec2Exception.InvalidParameter($"The parameter throughput must be between 125 and 2000 MiB/s for gp3 volumes; got {t}.");
                    }
                    if (t > 125 && t > i / 4)
                    {
                        throw Ec2Exception.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                            $"Throughput (MiBps) to iops ratio of {t / (double)i:F6} is too high; maximum is 0.250000 MiBps per iops"));
                    }
                    return (i, t);
                }
            case "io1":
            case "io2":
                {
                    if (iops is null)
                    {
                        throw Ec2Exception.Combination($"The parameter iops must be specified for {type} volumes.");
                    }
                    var (max, ratio) = type == "io1" ? (64000, 50) : (256000, 1000);
                    if (iops < 100 || iops > max)
                    {
                        throw Ec2Exception.InvalidParameter($"The parameter iops must be between 100 and {max} for {type} volumes; got {iops}.");
                    }
                    if (iops > size * ratio)
                    {
                        throw IopsRatioTooHigh(iops.Value, size, ratio);
                    }
                    return (iops, null);
                }
            default:
                if (iops is not null)
                {
                    throw Ec2Exception.Combination($"The parameter iops is not supported for {type} volumes.");
                }
                // gp2 baseline: 3 IOPS per GiB, 100 minimum, 16000 maximum.
                return (type == "gp2" ? Math.Clamp(size * 3, 100, 16000) : null, null);
        }
    }

    // AWS prints the ratio with six decimals and the maximum as a whole number.
    private static Ec2Exception IopsRatioTooHigh(int iops, int size, int maximum) => Ec2Exception.InvalidParameter(
        string.Create(CultureInfo.InvariantCulture, $"Iops to volume size ratio of {iops / (double)size:F6} is too high; maximum is {maximum}"));

    /// <summary>Baseline for --volume-limits: the volume's provisioned or burst-less baseline numbers.</summary>
    public static (int Iops, int ThroughputMiBps) Baseline(string type, int size, int? iops, int? throughput) => type switch
    {
        "gp3" => (iops ?? 3000, throughput ?? 125),
        "gp2" => (Math.Clamp(size * 3, 100, 16000), size <= 170 ? 128 : 250),
        "io1" or "io2" => (iops ?? 100, Math.Min(1000, (iops ?? 100) / 4)),
        "st1" => (500, Math.Min(500, size * 40 / 1024 + 1)),
        "sc1" => (250, Math.Min(250, size * 12 / 1024 + 1)),
        _ => (200, 90),
    };
}
