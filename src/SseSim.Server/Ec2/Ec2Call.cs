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
    public string DefaultZone => SseSim.Volumes.AvailabilityZones.Of(Caller.Region)[0].ZoneName;

    /// <summary>
    /// MaxResults/NextToken paging of a Describe result, as EC2 does it: without MaxResults everything is returned;
    /// MaxResults (at least 5, at most <paramref name="max"/>) cannot be combined with explicit ids; the token names
    /// the last id returned, so pages stay consistent while resources come and go.
    /// </summary>
    public (IReadOnlyList<T> Page, string? NextToken) Page<T>(IReadOnlyList<T> items, Func<T, string> idOf, string idsParameter, bool idsGiven, int max)
    {
        var maxResults = Request.Int("MaxResults");
        var token = Request.String("NextToken");
        if (maxResults is not null && idsGiven)
        {
            throw Ec2Exception.Combination($"The parameter {idsParameter} cannot be used with the parameter maxResults");
        }
        if (maxResults is < 5)
        {
            throw Ec2Exception.InvalidParameter($"Value ( {maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.");
        }
        var sorted = items.OrderBy(idOf, StringComparer.Ordinal).AsEnumerable();
        if (token is not null)
        {
            var after = DecodeToken(token);
            sorted = sorted.Where(i => string.CompareOrdinal(idOf(i), after) > 0);
        }
        var remaining = sorted.ToList();
        if (maxResults is null)
        {
            return (remaining, null);
        }
        var size = Math.Min(maxResults.Value, max);
        var page = remaining.Take(size).ToList();
        return (page, remaining.Count > size ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(idOf(page[^1]))) : null);
    }

    private static string DecodeToken(string token)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new Ec2Exception("InvalidPaginationToken", $"Invalid pagination token: {token}");
        }
    }

    public static Ec2Exception DryRun() =>
        new("DryRunOperation", "Request would have succeeded, but DryRun flag is set.");

    /// <summary>The InstanceId.N list of the calls that act on instances: MissingParameter when empty.</summary>
    public IReadOnlyList<string> RequiredInstanceIds()
    {
        var ids = Request.List("InstanceId");
        return ids.Count > 0 ? ids : throw new Ec2Exception("MissingParameter", "The request must contain the parameter InstanceId");
    }

    /// <summary>
    /// Terminate, Stop and StartInstances: the required instance ids, the change after the DryRun check, and the
    /// instancesSet of state changes all three answer.
    /// </summary>
    public async Task<string> InstanceStateChangesAsync(Func<IReadOnlyList<string>, Task<IReadOnlyList<InstanceStateChange>>> change)
    {
        var ids = RequiredInstanceIds();
        ThrowIfDryRun();
        var changes = await change(ids);
        using var xml = Response();
        return xml.Items("instancesSet", changes, (x, c) => x
            .Element("instanceId", c.InstanceId)
            .State("currentState", c.CurrentState)
            .State("previousState", c.PreviousState)).ToString();
    }

    /// <summary>DryRun: EC2 answers DryRunOperation (412) when the call would have succeeded.</summary>
    public void ThrowIfDryRun()
    {
        if (Request.Bool("DryRun") == true)
        {
            throw DryRun();
        }
    }
}
