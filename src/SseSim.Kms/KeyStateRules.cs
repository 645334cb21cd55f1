using SseSim.Kms.Model;

namespace SseSim.Kms;

/// <summary>
/// AWS's key-state table (Developer Guide key-state.md, reference kms.md §3.2) as data: each operation
/// belongs to one rule, and each rule says which states fail and how.
/// </summary>
public static class KeyStateRules
{
    public enum Rule
    {
        /// <summary>DescribeKey, policies, listings, RetireGrant, RevokeGrant, DeleteAlias: every state.</summary>
        Always,
        /// <summary>Cryptographic operations and CreateGrant.</summary>
        Use,
        EnableDisable,
        /// <summary>Enable/DisableKeyRotation: automatic rotation never applies to imported material.</summary>
        ChangeRotation,
        /// <summary>RotateKeyOnDemand, which also rotates imported symmetric keys to their pending material.</summary>
        RotateOnDemand,
        /// <summary>GetKeyRotationStatus, ListKeyRotations.</summary>
        ReadRotation,
        ScheduleDeletion,
        CancelDeletion,
        /// <summary>CreateAlias, UpdateAlias target, TagResource, UntagResource, UpdateKeyDescription.</summary>
        Metadata,
        Import,
    }

    public static void Check(Rule rule, KmsKey key)
    {
        var state = key.KeyState;
        var arn = key.Arn;
        switch (rule)
        {
            case Rule.Always:
                return;
            case Rule.Use:
                if (state == KeyStates.Disabled)
                {
                    throw KmsException.Disabled(arn);
                }
                RejectPending(key);
                return;
            case Rule.EnableDisable:
            case Rule.Metadata:
                RejectPending(key, allowImport: rule == Rule.Metadata);
                return;
            case Rule.ChangeRotation:
                if (key.Origin == Origins.External)
                {
                    throw KmsException.Unsupported($"{arn} origin is EXTERNAL which is not valid for this operation.");
                }
                goto case Rule.RotateOnDemand;
            case Rule.RotateOnDemand:
                if (state == KeyStates.Disabled)
                {
                    throw KmsException.Disabled(arn);
                }
                RejectPending(key);
                return;
            case Rule.ReadRotation:
                // An imported key whose material was deleted still lists its materials (their ImportState says which
                // to reimport); one that never had any has nothing to show.
                if (key.Origin == Origins.External && state == KeyStates.PendingImport && key.Materials.Count == 0)
                {
                    throw KmsException.Unsupported($"{arn} origin is EXTERNAL which is not valid for this operation.");
                }
                return;
            case Rule.ScheduleDeletion:
                if (IsPendingDeletion(state))
                {
                    throw KmsException.InvalidState($"{arn} is pending deletion.");
                }
                return;
            case Rule.CancelDeletion:
                if (!IsPendingDeletion(state))
                {
                    throw KmsException.InvalidState($"{arn} is not pending deletion.");
                }
                return;
            case Rule.Import:
                if (key.Origin != Origins.External)
                {
                    throw KmsException.Unsupported($"{arn} origin is {key.Origin} which is not valid for this operation.");
                }
                if (IsPendingDeletion(state))
                {
                    throw KmsException.InvalidState($"{arn} is pending deletion.");
                }
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule));
        }
    }

    /// <summary>
    /// PendingDeletion, or PendingReplicaDeletion (a multi-Region primary scheduled for deletion while it has replicas),
    /// which the key-state table treats alike.
    /// </summary>
    public static bool IsPendingDeletion(string state) => state is KeyStates.PendingDeletion or KeyStates.PendingReplicaDeletion;

    private static void RejectPending(KmsKey key, bool allowImport = false)
    {
        if (IsPendingDeletion(key.KeyState))
        {
            throw KmsException.InvalidState($"{key.Arn} is pending deletion.");
        }
        if (!allowImport && key.KeyState == KeyStates.PendingImport)
        {
            throw KmsException.InvalidState($"{key.Arn} is pending import.");
        }
    }
}
