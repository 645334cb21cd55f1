using SseSim.Core.Audit;
using SseSim.Core.Aws;
using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>
/// Another account's volume or snapshot is NotFound to the caller, as in EC2; the attempt is audited so it shows in the
/// caller's trail and in the owner's (docs/security.md#cross-account): an EBS direct API event with the resource's ARN
/// (<see cref="Record"/>), an EC2 event as a copy for each owner (<see cref="Owners"/>, Ec2Audit), since AWS's EC2
/// events name no resources.
/// </summary>
internal static class CrossAccountAudit
{
    /// <summary>The accounts other than the caller's that own a volume or snapshot a parameter names.</summary>
    public static IReadOnlyCollection<string> Owners(VolumeService volumes, Caller caller, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var owners = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (_, value) in parameters)
        {
            if (volumes.OwnerOf(value) is { } owner && owner.AccountId != caller.AccountId)
            {
                owners.Add(owner.AccountId);
            }
        }
        return owners;
    }

    /// <returns>Whether a parameter named another account's resource (and the attempt was recorded).</returns>
    public static bool Record(IAuditSink audit, VolumeService volumes, string eventSource, string operation, Caller caller,
        string errorCode, string message, IEnumerable<KeyValuePair<string, string>> parameters, bool readOnly, bool dataEvent = false)
    {
        var recorded = false;
        foreach (var (name, value) in parameters)
        {
            if (volumes.OwnerOf(value) is not { } owner || owner.AccountId == caller.AccountId)
            {
                continue;
            }
            // A volume ARN names its owner, whose trail then shows the event; a snapshot ARN names no account, so the
            // owner gets a copy with the same sharedEventID, as CloudTrail delivers a cross-account call to both.
            var ownerInArn = owner.Arn.Split(':', 6) is { Length: 6 } parts && parts[4] == owner.AccountId;
            var record = new AuditRecord(eventSource, operation, caller, errorCode, message,
                new Dictionary<string, string>(StringComparer.Ordinal) { [name] = value },
                [new AuditResource(owner.ResourceType, owner.Arn, owner.AccountId)],
                ReadOnly: readOnly, DataEvent: dataEvent);
            recorded = true;
            if (ownerInArn)
            {
                audit.Record(record);
            }
            else
            {
                audit.RecordShared(record, owner.AccountId);
            }
        }
        return recorded;
    }
}
