namespace SseSim.Kms;

/// <summary>The policy documents KMS writes itself (Developer Guide key-policy-default.md).</summary>
public static class KeyPolicies
{
    public static string Default(string accountId) => $$"""
        {
          "Version" : "2012-10-17",
          "Id" : "key-default-1",
          "Statement" : [ {
            "Sid" : "Enable IAM User Permissions",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "arn:aws:iam::{{accountId}}:root"
            },
            "Action" : "kms:*",
            "Resource" : "*"
          } ]
        }
        """;

    /// <summary>AWS managed key policy: use only via the owning service, read-only metadata for the account.</summary>
    public static string AwsManaged(string accountId, string service, string region) => $$"""
        {
          "Version" : "2012-10-17",
          "Id" : "auto-{{service}}-2",
          "Statement" : [ {
            "Sid" : "Allow access through {{service.ToUpperInvariant()}} for all principals in the account that are authorized to use {{service.ToUpperInvariant()}}",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "*"
            },
            "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
            "Resource" : "*",
            "Condition" : {
              "StringEquals" : {
                "kms:CallerAccount" : "{{accountId}}",
                "kms:ViaService" : "{{service}}.{{region}}.amazonaws.com"
              }
            }
          }, {
            "Sid" : "Allow direct access to key metadata to the account",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "arn:aws:iam::{{accountId}}:root"
            },
            "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
            "Resource" : "*"
          } ]
        }
        """;
}
