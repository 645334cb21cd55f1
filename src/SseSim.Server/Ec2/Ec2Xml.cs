using System.Globalization;
using System.Xml;
using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>Writes EC2 Query responses: the ec2 protocol's locationName members, lists as &lt;item&gt;.</summary>
public sealed class Ec2Xml : IDisposable
{
    public const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);
    private readonly XmlWriter _xml;

    public Ec2Xml(string action, string requestId)
    {
        _xml = XmlWriter.Create(_text, new XmlWriterSettings { OmitXmlDeclaration = false, Indent = false });
        _xml.WriteStartDocument();
        _xml.WriteStartElement(action + "Response", Namespace);
        Element("requestId", requestId);
    }

    public Ec2Xml Element(string name, string? value)
    {
        if (value is not null)
        {
            _xml.WriteElementString(name, Namespace, value);
        }
        return this;
    }

    public Ec2Xml Element(string name, int? value) => Element(name, value?.ToString(CultureInfo.InvariantCulture));

    public Ec2Xml Element(string name, bool value) => Element(name, value ? "true" : "false");

    public Ec2Xml Element(string name, DateTimeOffset? value) =>
        Element(name, value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    public Ec2Xml Start(string name)
    {
        _xml.WriteStartElement(name, Namespace);
        return this;
    }

    public Ec2Xml End()
    {
        _xml.WriteEndElement();
        return this;
    }

    public Ec2Xml Items<T>(string setName, IEnumerable<T> items, Action<Ec2Xml, T> write)
    {
        Start(setName);
        foreach (var item in items)
        {
            Start("item");
            write(this, item);
            End();
        }
        return End();
    }

    public Ec2Xml TagSet(IReadOnlyList<Tag> tags) =>
        tags.Count == 0 ? this : Items("tagSet", tags, (x, t) => x.Element("key", t.Key).Element("value", t.Value));

    public Ec2Xml Attachment(VolumeAttachmentInfo a) => Element("volumeId", a.VolumeId)
        .Element("instanceId", a.InstanceId)
        .Element("device", a.Device)
        .Element("status", a.State)
        .Element("attachTime", a.AttachTime)
        .Element("deleteOnTermination", a.DeleteOnTermination);

    /// <summary>The Volume shape's members, as CreateVolume and DescribeVolumes return them.</summary>
    /// <summary>A VolumeModification's members (ModifyVolume, DescribeVolumesModifications).</summary>
    public Ec2Xml VolumeModification(VolumeModificationInfo m) => Element("volumeId", m.VolumeId)
        .Element("modificationState", m.ModificationState)
        .Element("targetSize", m.TargetSize)
        .Element("targetIops", m.TargetIops)
        .Element("targetVolumeType", m.TargetVolumeType)
        .Element("targetThroughput", m.TargetThroughput)
        .Element("targetMultiAttachEnabled", false)
        .Element("originalSize", m.OriginalSize)
        .Element("originalIops", m.OriginalIops)
        .Element("originalVolumeType", m.OriginalVolumeType)
        .Element("originalThroughput", m.OriginalThroughput)
        .Element("originalMultiAttachEnabled", false)
        .Element("progress", m.ModificationState == "completed" ? 100 : 0)
        .Element("startTime", m.StartTime)
        .Element("endTime", m.EndTime);

    public Ec2Xml Volume(VolumeInfo v) => Items("attachmentSet", v.Attachments, (x, a) => x.Attachment(a))
        .Element("availabilityZone", v.AvailabilityZone)
        .Element("createTime", v.CreateTime)
        .Element("encrypted", v.Encrypted)
        .Element("kmsKeyId", v.KmsKeyId)
        .Element("size", v.Size)
        .Element("snapshotId", v.SnapshotId ?? "")
        .Element("sourceVolumeId", v.SourceVolumeId)
        .Element("fastRestored", v.FastRestored ? "true" : null)
        .Element("status", v.State)
        .Element("volumeId", v.VolumeId)
        .Element("iops", v.Iops)
        .TagSet(v.Tags)
        .Element("volumeType", v.VolumeType)
        .Element("multiAttachEnabled", false)
        .Element("throughput", v.Throughput);

    /// <summary>The Snapshot shape's members.</summary>
    public Ec2Xml Snapshot(SnapshotInfo s) => Element("snapshotId", s.SnapshotId)
        .Element("volumeId", s.VolumeId)
        .Element("status", s.State)
        .Element("statusMessage", s.StateMessage)
        .Element("startTime", s.StartTime)
        .Element("completionTime", s.CompletionTime)
        .Element("progress", s.Progress)
        .Element("ownerId", s.OwnerId)
        .Element("volumeSize", s.VolumeSize)
        .Element("description", s.Description ?? "")
        .Element("encrypted", s.Encrypted)
        .Element("kmsKeyId", s.KmsKeyId)
        .Element("dataEncryptionKeyId", s.DataEncryptionKeyId)
        .Element("storageTier", "standard")
        .TagSet(s.Tags);

    /// <summary>An InstanceState element: EC2's numeric code and the state's name.</summary>
    /// <summary>LockSnapshot's and DescribeLockedSnapshots' lock members (the duration only when the lock has one).</summary>
    public Ec2Xml LockFields(SnapshotLockInfo l) => Element("lockState", l.LockState)
        .Element("lockDuration", l.LockDuration)
        .Element("coolOffPeriod", l.CoolOffPeriod)
        .Element("coolOffPeriodExpiresOn", l.CoolOffPeriodExpiresOn)
        .Element("lockCreatedOn", l.LockCreatedOn)
        .Element("lockDurationStartTime", l.LockDurationStartTime)
        .Element("lockExpiresOn", l.LockExpiresOn);

    /// <summary>One snapshot and zone of the fast snapshot restore calls' success sets.</summary>
    public Ec2Xml FastSnapshotRestore(FastSnapshotRestoreInfo f) => Element("snapshotId", f.SnapshotId)
        .Element("availabilityZone", f.AvailabilityZone)
        .Element("availabilityZoneId", f.AvailabilityZoneId)
        .Element("state", f.State)
        .Element("stateTransitionReason", f.StateTransitionReason)
        .Element("ownerId", f.OwnerId)
        .Element("enablingTime", f.EnablingTime)
        .Element("optimizingTime", f.OptimizingTime)
        .Element("enabledTime", f.EnabledTime)
        .Element("disablingTime", f.DisablingTime)
        .Element("disabledTime", f.DisabledTime);

    /// <summary>Enable/DisableFastSnapshotRestores' answer: the successful items, and the failures grouped by snapshot.</summary>
    public Ec2Xml FastSnapshotRestoreResult(IReadOnlyList<FastSnapshotRestoreInfo> successful, IReadOnlyList<FastSnapshotRestoreError> unsuccessful) =>
        Items("successful", successful, (x, f) => x.FastSnapshotRestore(f))
        .Items("unsuccessful", unsuccessful.GroupBy(e => e.SnapshotId), (x, g) => x.Element("snapshotId", g.Key)
            .Items("fastSnapshotRestoreStateErrorSet", g, (y, e) => y.Element("availabilityZone", e.AvailabilityZone)
                .Start("error").Element("code", e.Code).Element("message", e.Message).End()));

    public Ec2Xml State(string name, string state) => Start(name).Element("code", StateCode(state)).Element("name", state).End();

    public Ec2Xml Instance(InstanceInfo i) => Element("instanceId", i.InstanceId)
        // Instances launched before the image id was recorded keep a placeholder.
        .Element("imageId", i.ImageId ?? "ami-00000000000000000")
        .State("instanceState", i.State)
        .Element("reason", i.StateTransitionReason)
        .Element("instanceType", i.InstanceType)
        .Element("launchTime", i.LaunchTime)
        .Start("placement").Element("availabilityZone", i.AvailabilityZone).Element("tenancy", "default").End()
        .Element("rootDeviceType", "ebs")
        .Items("blockDeviceMapping", i.BlockDevices, (x, a) => x.BlockDevice(a))
        .TagSet(i.Tags)
        .StateReason(i.StateReasonCode, i.StateReasonMessage);

    /// <summary>An InstanceBlockDeviceMapping: DescribeInstances and DescribeInstanceAttribute blockDeviceMapping.</summary>
    public Ec2Xml BlockDevice(VolumeAttachmentInfo a) => Element("deviceName", a.Device)
        .Start("ebs").Element("volumeId", a.VolumeId).Element("status", a.State).Element("attachTime", a.AttachTime).Element("deleteOnTermination", a.DeleteOnTermination).End();

    private Ec2Xml StateReason(string? code, string? message) =>
        code is null ? this : Start("stateReason").Element("code", code).Element("message", message).End();

    /// <summary>EC2's numeric instance state codes.</summary>
    public static int StateCode(string state) => state switch
    {
        "pending" => 0,
        "running" => 16,
        "shutting-down" => 32,
        "terminated" => 48,
        "stopping" => 64,
        "stopped" => 80,
        _ => 0,
    };

    public override string ToString()
    {
        _xml.WriteEndElement();
        _xml.WriteEndDocument();
        _xml.Flush();
        return _text.ToString();
    }

    public void Dispose()
    {
        _xml.Dispose();
        _text.Dispose();
    }
}
