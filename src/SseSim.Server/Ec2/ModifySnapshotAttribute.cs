using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>
/// Shares a snapshot with accounts (or makes an unencrypted one public) through createVolumePermission, in either
/// request form: CreateVolumePermission.Add/Remove.N.UserId|Group, or OperationType with UserId.N and UserGroup.N.
/// </summary>
public static class ModifySnapshotAttribute
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var snapshotId = r.Required("SnapshotId");
        var attribute = r.String("Attribute") ?? "createVolumePermission";
        if (attribute != "createVolumePermission")
        {
            throw Ec2Exception.InvalidParameter($"Value ({attribute}) for parameter attribute is invalid. Only createVolumePermission can be modified.");
        }
        var (add, addGroups) = Permissions(r, "Add");
        var (remove, removeGroups) = Permissions(r, "Remove");
        var users = r.List("UserId");
        var groups = r.List("UserGroup");
        switch (r.String("OperationType"))
        {
            case "add":
                (add, addGroups) = ([.. add, .. users], [.. addGroups, .. groups]);
                break;
            case "remove":
                (remove, removeGroups) = ([.. remove, .. users], [.. removeGroups, .. groups]);
                break;
            case null when users.Count + groups.Count == 0:
                break;
            case null:
                throw new Ec2Exception("MissingParameter", "The request must contain the parameter operationType");
            case var other:
                throw Ec2Exception.InvalidParameter($"Value ({other}) for parameter operationType is invalid. Expected 'add' or 'remove'.");
        }
        if (addGroups.Concat(removeGroups).FirstOrDefault(g => g != "all") is { } group)
        {
            throw Ec2Exception.InvalidParameter($"Value ({group}) for parameter group is invalid. Expected 'all'.");
        }
        add = [.. add, .. addGroups];
        remove = [.. remove, .. removeGroups];
        if (add.Count == 0 && remove.Count == 0)
        {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter createVolumePermission");
        }
        call.ThrowIfDryRun();
        await call.Volumes.ModifyCreateVolumePermissionAsync(call.Caller, snapshotId, add, remove, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("return", true).ToString();
    }

    /// <summary>CreateVolumePermission.{Add|Remove}.N.UserId and .Group, as separate lists.</summary>
    private static (List<string> Users, List<string> Groups) Permissions(Ec2Request r, string operation)
    {
        var (users, groups) = (new List<string>(), new List<string>());
        for (var i = 1; ; i++)
        {
            var user = r.String($"CreateVolumePermission.{operation}.{i}.UserId");
            var group = r.String($"CreateVolumePermission.{operation}.{i}.Group");
            if (user is null && group is null)
            {
                return (users, groups);
            }
            if (user is not null)
            {
                users.Add(user);
            }
            if (group is not null)
            {
                groups.Add(group);
            }
        }
    }
}
