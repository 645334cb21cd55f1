using SseSim.Kms.Operations;

namespace SseSim.Kms;

public static partial class KmsOperationCatalog
{
    private static void RegisterLifecycle(IKmsOperationRegistry r)
    {
        r.Add<CreateKeyRequest, CreateKeyResponse>("CreateKey", CreateKey.ExecuteAsync);
        r.Add<DescribeKeyRequest, DescribeKeyResponse>("DescribeKey", DescribeKey.ExecuteAsync);
        r.Add<ListKeysRequest, ListKeysResponse>("ListKeys", ListKeys.ExecuteAsync);
        r.Add<UpdateKeyDescriptionRequest, EmptyResponse>("UpdateKeyDescription", UpdateKeyDescription.ExecuteAsync);
        r.Add<EnableKeyRequest, EmptyResponse>("EnableKey", EnableKey.ExecuteAsync);
        r.Add<DisableKeyRequest, EmptyResponse>("DisableKey", DisableKey.ExecuteAsync);
        r.Add<ScheduleKeyDeletionRequest, ScheduleKeyDeletionResponse>("ScheduleKeyDeletion", ScheduleKeyDeletion.ExecuteAsync);
        r.Add<CancelKeyDeletionRequest, CancelKeyDeletionResponse>("CancelKeyDeletion", CancelKeyDeletion.ExecuteAsync);
        r.Add<ReplicateKeyRequest, ReplicateKeyResponse>("ReplicateKey", ReplicateKey.ExecuteAsync);
        r.Add<UpdatePrimaryRegionRequest, EmptyResponse>("UpdatePrimaryRegion", UpdatePrimaryRegion.ExecuteAsync);

        r.Add<CreateAliasRequest, EmptyResponse>("CreateAlias", CreateAlias.ExecuteAsync);
        r.Add<UpdateAliasRequest, EmptyResponse>("UpdateAlias", UpdateAlias.ExecuteAsync);
        r.Add<DeleteAliasRequest, EmptyResponse>("DeleteAlias", DeleteAlias.ExecuteAsync);
        r.Add<ListAliasesRequest, ListAliasesResponse>("ListAliases", ListAliases.ExecuteAsync);

        r.Add<TagResourceRequest, EmptyResponse>("TagResource", TagResource.ExecuteAsync);
        r.Add<UntagResourceRequest, EmptyResponse>("UntagResource", UntagResource.ExecuteAsync);
        r.Add<ListResourceTagsRequest, ListResourceTagsResponse>("ListResourceTags", ListResourceTags.ExecuteAsync);

        r.Add<EnableKeyRotationRequest, EmptyResponse>("EnableKeyRotation", EnableKeyRotation.ExecuteAsync);
        r.Add<DisableKeyRotationRequest, EmptyResponse>("DisableKeyRotation", DisableKeyRotation.ExecuteAsync);
        r.Add<GetKeyRotationStatusRequest, GetKeyRotationStatusResponse>("GetKeyRotationStatus", GetKeyRotationStatus.ExecuteAsync);
        r.Add<RotateKeyOnDemandRequest, RotateKeyOnDemandResponse>("RotateKeyOnDemand", RotateKeyOnDemand.ExecuteAsync);
        r.Add<ListKeyRotationsRequest, ListKeyRotationsResponse>("ListKeyRotations", ListKeyRotations.ExecuteAsync);
        r.Add<GetKeyLastUsageRequest, GetKeyLastUsageResponse>("GetKeyLastUsage", GetKeyLastUsage.ExecuteAsync);
    }
}
