/**
 * EC2's AMI sharing quota, its own module so the functions that share AMIs carry this one figure and not the whole
 * limits table (quotas.ts): "AMI sharing: The maximum number of entities (organizations, organizational units (OUs),
 * and accounts) that an AMI can be shared with in a Region ... 1,000", adjustable
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-quotas.html).
 */
export const AMI_SHARING_ENTITIES_MAX = 1_000;
