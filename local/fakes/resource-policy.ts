/**
 * The checks SNS and SQS make of a resource policy set through SetTopicAttributes / SetQueueAttributes: JSON with a
 * `Statement` list, statements with unique `Sid`s, within the service's quotas. SNS: 30 KB, 100 statements, unique
 * Sids (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html); SQS:
 * 8,192 bytes, 20 statements
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html).
 */
export interface PolicyQuota {
  bytes: number;
  statements: number;
}

export const SNS_POLICY_QUOTA: PolicyQuota = { bytes: 30 * 1024, statements: 100 };
export const SQS_POLICY_QUOTA: PolicyQuota = { bytes: 8192, statements: 20 };

/** Why the service refuses `json` as a policy, or undefined when it takes it. */
export function policyRefusal(json: string, quota: PolicyQuota): string | undefined {
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > quota.bytes) return `policy is ${bytes} bytes, over the ${quota.bytes}-byte limit`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return 'policy is not valid JSON';
  }
  const raw = (parsed as { Statement?: unknown } | null)?.Statement;
  const statements = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : undefined;
  if (!statements || statements.length === 0) return 'policy has no Statement';
  if (statements.length > quota.statements) {
    return `policy has ${statements.length} statements, over the limit of ${quota.statements}`;
  }
  const sids = statements.map((s) => (s as { Sid?: unknown }).Sid).filter((s) => s !== undefined);
  if (new Set(sids).size !== sids.length) return 'statement Sids must be unique';
  return undefined;
}

/** The policy SNS gives a topic created without one: the owner account may manage and publish. */
export function defaultTopicPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:Publish', 'SNS:Subscribe'],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  });
}
