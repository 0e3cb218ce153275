import { generatedPrefix } from '../scp/names.js';
import type { PolicyDocument, PolicyStatement } from './consumer-access.js';

/**
 * What keeps a container channel's images Goldsmith's (pure): the repository policy's Deny statements and the
 * repositories' tag mutability. A channel is a tag moved by Publish; anyone else with `ecr:PutImage` on the repository
 * (AmazonEC2ContainerRegistryPowerUser) could move it, push a new image under it, delete the images
 * (`BatchDeleteImage`, a lifecycle policy) or change the policy that grants the channels their pulls.
 *
 * A repository policy's explicit Deny applies to every principal the request's own account holds too ("an explicit
 * deny in any of these policies overrides the allow",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), so the statements deny
 * these actions to every principal but Goldsmith's own roles (their names start `<stage>-goldsmith-`, as CloudFormation
 * names them: core/scp/names.ts; the build instances' role among them), the on-finding role, the CDK's execution role
 * (the deployment) and Image Builder's service-linked role, which distributes container images
 * (https://docs.aws.amazon.com/imagebuilder/latest/userguide/image-builder-service-linked-role.html). The condition is
 * `ArnNotLike` on `aws:PrincipalArn`, which for a role session is the role's ARN
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
 */

/** The Sid prefix of the guard's statements; Share and withdrawals keep them, the audit puts them back. */
export const GUARD_SID_PREFIX = 'GoldsmithOnly';

/**
 * The ECR actions that change which image a tag names, add or remove images, or change the repository's own
 * settings and policy (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html):
 * a push is PutImage after the layer uploads, so the uploads are denied too.
 */
export const GUARDED_IMAGE_ACTIONS = [
  'ecr:PutImage',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:BatchDeleteImage',
] as const;

export const GUARDED_REPOSITORY_ACTIONS = [
  'ecr:SetRepositoryPolicy',
  'ecr:DeleteRepositoryPolicy',
  'ecr:PutLifecyclePolicy',
  'ecr:DeleteLifecyclePolicy',
  'ecr:StartLifecyclePolicyPreview',
  'ecr:PutImageTagMutability',
  'ecr:PutImageScanningConfiguration',
  'ecr:DeleteRepository',
  'ecr:TagResource',
  'ecr:UntagResource',
] as const;

/** Whose calls the guard lets through: the factory account, its partition and the stage's name. */
export interface GuardScope {
  partition: string;
  account: string;
  stage: string;
}

/**
 * The guard's scope for a repository of the factory account `account` (an image's registry), in the partition its
 * build's ARN names; undefined without a stage (a function not given `GOLDSMITH_STAGE` writes no guard).
 */
export function guardScopeOf(buildArn: string, account: string, stage: string | undefined): GuardScope | undefined {
  const partition = buildArn.split(':')[1];
  return stage && partition ? { partition, account, stage } : undefined;
}

/** The principal ARN patterns the guard exempts. */
export function guardExemptions({ partition, account, stage }: GuardScope): string[] {
  const role = (name: string) => `arn:${partition}:iam::${account}:role/${name}`;
  return [
    role(`${generatedPrefix(stage)}*`),
    role(`goldsmith-${stage}-on-finding`),
    role('cdk-*-cfn-exec-role-*'),
    role('aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder'),
  ];
}

/** The guard's two Deny statements: image writes, and repository settings and policy. */
export function guardStatements(scope: GuardScope): PolicyStatement[] {
  const condition = { ArnNotLike: { 'aws:PrincipalArn': guardExemptions(scope) } };
  return [
    {
      Sid: `${GUARD_SID_PREFIX}Images`,
      Effect: 'Deny',
      Principal: '*',
      Action: [...GUARDED_IMAGE_ACTIONS],
      Condition: condition,
    },
    {
      Sid: `${GUARD_SID_PREFIX}Settings`,
      Effect: 'Deny',
      Principal: '*',
      Action: [...GUARDED_REPOSITORY_ACTIONS],
      Condition: condition,
    },
  ];
}

const isGuard = (s: PolicyStatement) => typeof s.Sid === 'string' && s.Sid.startsWith(GUARD_SID_PREFIX);

/**
 * `policy` with the guard's statements as `scope` writes them, every other statement kept in place (the channels'
 * pulls, anyone else's): undefined when it already holds exactly them, so the caller makes no call.
 */
export function withGuardStatements(policy: PolicyDocument | undefined, scope: GuardScope): PolicyDocument | undefined {
  const guard = guardStatements(scope);
  const held = (policy?.Statement ?? []).filter(isGuard);
  if (JSON.stringify(held) === JSON.stringify(guard)) return undefined;
  const kept = (policy?.Statement ?? []).filter((s) => !isGuard(s));
  return { Version: policy?.Version ?? '2012-10-17', Statement: [...kept, ...guard] };
}

/** A policy written by Share or a withdrawal, with the guard's statements (the same policy when it holds them). */
export function guarded(policy: PolicyDocument, scope: GuardScope): PolicyDocument {
  return withGuardStatements(policy, scope) ?? policy;
}

/**
 * The tag mutability of a catalog image's repositories: every tag immutable but the channels' own tags, which
 * Publish moves (`IMMUTABLE_WITH_EXCLUSION`, each channel's name an exact `WILDCARD` filter: a filter without `*`
 * matches that tag alone). ECR takes 1–5 exclusion filters of `[0-9a-zA-Z._*-]{1,128}`
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html): a catalog of
 * more than five channels keeps its tags mutable (the guard and the audit's read-back still hold them).
 */
export function channelTagMutability(
  channels: readonly string[],
): { mutability: 'IMMUTABLE_WITH_EXCLUSION'; filters: string[] } | { mutability: 'MUTABLE'; filters: [] } {
  const filters = [...new Set(channels)].sort();
  if (filters.length === 0 || filters.length > 5 || filters.some((f) => !/^[0-9a-zA-Z._-]{1,128}$/.test(f)))
    return { mutability: 'MUTABLE', filters: [] };
  return { mutability: 'IMMUTABLE_WITH_EXCLUSION', filters };
}
