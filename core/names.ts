/**
 * Deterministic physical names shared by the stacks and the functions. Stacks create resources with these names
 * and functions address them without a lookup, so both sides must call the same function.
 */

/** Prefix of every physical name Goldsmith owns; also the tag namespace (`goldsmith:image`, ...). */
export const NAME_PREFIX = 'goldsmith';

/** The Image Builder pipeline of an image, e.g. `goldsmith-base`. */
export function pipelineName(image: string): string {
  return `${NAME_PREFIX}-${image}`;
}

/** The consumer pointer of an image's channel, e.g. `/goldsmith/base/prod`; the same name in every region. */
export function channelParameterName(image: string, channel: string): string {
  return `/${NAME_PREFIX}/${image}/${channel}`;
}

/** The parent image reference of a child built on `{ image, channel }`: the parent's channel pointer. */
export function channelParentImage(image: string, channel: string): string {
  return `ssm:${channelParameterName(image, channel)}`;
}

/** The operators' role, e.g. `goldsmith-prod-operators`: a fixed name, so its sessions' ARNs are predictable. */
export function operatorsRoleName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-operators`;
}

/** The ledger table (builds, images, promotions, approvals, shares, revocations), e.g. `goldsmith-prod-ledger`. */
export function ledgerTableName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-ledger`;
}

/** The alias of the AMI encryption key; the same alias name in every distribution region. */
export function amiKeyAliasName(stage: string): string {
  return `alias/${NAME_PREFIX}/${stage}/ami`;
}

/** The ECR repository a container image is pushed to, unless the catalog names one. */
export function containerRepositoryName(image: string, configured?: string): string {
  return configured ?? `${NAME_PREFIX}/${image}`;
}

/** The AMI name Image Builder gives each output; the build date keeps every build's name unique. */
export function amiName(image: string): string {
  return `${NAME_PREFIX}-${image}-{{ imagebuilder:buildDate }}`;
}

/** The S3 key prefix under which an image's build logs land in the log bucket. */
export function buildLogPrefix(image: string): string {
  return `build-logs/${image}`;
}

/** The AWS RAM resource share, in each region, through which a channel's pointers are shared with its targets. */
export function pointerShareName(channel: string): string {
  return `${NAME_PREFIX}-pointers-${channel}`;
}

/**
 * The tag an Auto Scaling group and its launch template carry to follow a channel's rollout:
 * `goldsmith:follow` = `<image>/<channel>`. Goldsmith never touches a group (or a template) without it.
 */
export const ROLLOUT_TAG = `${NAME_PREFIX}:follow`;

/** The opt-in tag's value for one image's channel, e.g. `base/prod`. */
export function rolloutTagValue(image: string, channel: string): string {
  return `${image}/${channel}`;
}

/** The role the member baseline creates in each member account for the rollout function, e.g. `goldsmith-prod-rollout`. */
export function rolloutRoleName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-rollout`;
}

/**
 * The rollout role a stack instance of the member baseline creates, from the plain `roleName`
 * ({@link rolloutRoleName}): `goldsmith-<stage>-rollout-<8 hex>`, the first
 * group of the UUID that ends the stack's id, so the new instance of an account moved between two targeted OUs, made
 * before the old one is deleted, names its role apart from the old one's (docs/aws-behaviours.md, CloudFormation).
 * The member template builds the same name from `AWS::StackId` (stacks/member-baseline/template.ts).
 */
export function rolloutRoleNameOfStack(roleName: string, stackId: string): string {
  const uuid = stackId.split('/')[2] ?? '';
  return `${roleName}-${uuid.split('-')[0] ?? ''}`;
}

/**
 * The factory's rollout engine role (both Rollout state machine functions run as it), e.g. `goldsmith-prod-rollout-engine`:
 * named, so the member baseline's rollout role can trust it by ARN without a reference across stacks.
 */
export function rolloutEngineRoleName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-rollout-engine`;
}

/**
 * The role Inspector's delegated administrator account grants the factory when it is not the factory (a security
 * account), e.g. `goldsmith-prod-inspector-findings`: read-only findings (core/lifecycle/inspector-reader.ts).
 */
export function inspectorFindingsRoleName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-inspector-findings`;
}

/**
 * The on-finding function's role when it reads findings through that account, e.g. `goldsmith-prod-on-finding`:
 * named, so the administrator's role can trust it by ARN.
 */
export function onFindingRoleName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-on-finding`;
}

/**
 * The prefix of every name CloudFormation gives Goldsmith's resources (stack `<stage>-goldsmith-<Stack>`, and each
 * generated name after its stack), e.g. `prod-goldsmith-`: the prefix docs/security/scp.md's SCP names.
 */
export function stackResourcePrefix(stage: string): string {
  return `${stage}-${NAME_PREFIX}-`;
}

/**
 * The rule in each non-home distribution Region that forwards Inspector's findings home, e.g.
 * `prod-goldsmith-findings-to-home`: under the stacks' own prefix, so the SCP's `rule/prod-goldsmith-*` holds it.
 */
export function findingForwardRuleName(stage: string): string {
  return `${stackResourcePrefix(stage)}findings-to-home`;
}

/** The rule in each non-home distribution Region that forwards CloudTrail's change events home, e.g. `prod-goldsmith-changes-to-home`. */
export function changesForwardRuleName(stage: string): string {
  return `${stackResourcePrefix(stage)}changes-to-home`;
}

/** The member baseline StackSet's name in `stage`. */
export function memberBaselineStackSetName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-member-baseline`;
}

/**
 * The bucket that keeps each version's SBOMs, e.g. `goldsmith-prod-sbom-111122223333-us-east-1`: bucket names are
 * global, so the account and Region make it the stage's own. Functions in other stacks address it by this name.
 */
export function sbomBucketName(stage: string, account: string, region: string): string {
  return `${NAME_PREFIX}-${stage}-sbom-${account}-${region}`;
}

/** The S3 key of one SBOM document of a version: `sbom/<image>/<version with '/' as '-'>/<file>`. */
export function sbomObjectKey(image: string, version: string, file: string): string {
  return `sbom/${image}/${version.replaceAll('/', '-')}/${file}`;
}
