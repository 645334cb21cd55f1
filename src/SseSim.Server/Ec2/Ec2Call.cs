using SseSim.Core.Aws;
using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>One EC2 Query request: who calls, the parameters, the volume domain, and the response writer.</summary>
public sealed class Ec2Call(Caller caller, Ec2Request request, VolumeService volumes, string action, string requestId, CancellationToken cancellationToken)
{
    public Caller Caller { get; } = caller;
    public Ec2Request Request { get; } = request;
    public VolumeService Volumes { get; } = volumes;
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public Ec2Xml Response() => new(action, requestId);

    /// <summary>The default availability zone, as an EC2 user without a preference gets.</summary>
    public string DefaultZone => Caller.Region + "a";

    public static Ec2Exception DryRun() =>
        new("DryRunOperation", "Request would have succeeded, but DryRun flag is set.");

    /// <summary>DryRun: EC2 answers DryRunOperation (412) when the call would have succeeded.</summary>
    public void ThrowIfDryRun()
    {
        if (Request.Bool("DryRun") == true)
        {
            throw DryRun();
        }
    }
}
