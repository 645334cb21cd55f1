namespace SseSim.Volumes;

/// <summary>Who owns a volume or snapshot, and its ARN and CloudTrail resource type.</summary>
public sealed record ResourceOwner(string AccountId, string ResourceType, string Arn);
