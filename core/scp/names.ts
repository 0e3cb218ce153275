/**
 * The names the service control policy matches (pure): Goldsmith's roles, functions and queues are named by
 * CloudFormation (`<stack>-<logical id>-<random>`), and where that exceeds the resource's limit (64 characters for
 * an IAM role or a Lambda function) CloudFormation trims the stack part and then the logical id. The patterns here
 * follow the trimming, so an exemption holds whatever the stage's length.
 */

/** Characters of the stack name CloudFormation keeps when it must trim a generated name. */
export const KEPT_STACK_CHARACTERS = 25;

/** The length of the random suffix CloudFormation appends to a generated name (e.g. `1U44TLUZ7OR55`). */
export const GENERATED_SUFFIX_LENGTH = 13;

/**
 * The name CloudFormation generates for a resource of `stackName` with `logicalId` where the name may hold `max`
 * characters: `<stack>-<logical id>-<suffix>` in full when it fits; otherwise the stack part is cut first, down to
 * its first 25 characters, then the logical id is cut to what is left. This follows what is observed
 * (`MyStackDev-MyNestedApplicationStack-MyLambdaFunctionName-1U44TLUZ7OR55`, 70 characters, became
 * `MyStackDev-MyNestedApplicatio-MyLambdaFunctionName-1U44TLUZ7OR55`:
 * https://gist.github.com/christianklotz/468a240a75f4ae3e73bd52722f926acb; a Goldsmith role of stack
 * `prod-goldsmith-Notifications` kept 25 characters of it), and the split the CDK copies from CloudFormation for the
 * names it generates itself (stack part 25, id part 24: aws-cdk-lib core/lib/private/physical-name-generator.js).
 * AWS documents no formula: `goldsmith preflight --stage` reads the deployed names instead of trusting this one.
 */
export function cloudFormationGeneratedName(stackName: string, logicalId: string, suffix: string, max: number): string {
  const full = `${stackName}-${logicalId}-${suffix}`;
  if (full.length <= max) return full;
  let excess = full.length - max;
  const stackCut = Math.min(excess, Math.max(0, stackName.length - KEPT_STACK_CHARACTERS));
  excess -= stackCut;
  const stack = stackName.slice(0, stackName.length - stackCut);
  const id = logicalId.slice(0, Math.max(1, logicalId.length - excess));
  return `${stack}-${id}-${suffix}`;
}

/** A stage's stack name, e.g. `prod-goldsmith-Notifications`. */
export const stackName = (stage: string, stack: string): string => `${stage}-goldsmith-${stack}`;

/**
 * What every name CloudFormation generates in the stage's stacks starts with, trimmed or not: the first 25
 * characters of `<stage>-goldsmith-` (all of it for a stage of up to 14 characters), e.g. `prod-goldsmith-`.
 */
export const generatedPrefix = (stage: string): string => `${stage}-goldsmith-`.slice(0, KEPT_STACK_CHARACTERS);

/**
 * A pattern matching the generated names of one construct (`AuditDoors`) of one stack (`Notifications`), trimmed
 * or not: `prod-goldsmith-Notificati*-AuditDoors*`. The construct id begins the logical id, which CloudFormation
 * cuts from its end, so it stays whole.
 */
export const constructPattern = (stage: string, stack: string, constructId: string): string =>
  `${stackName(stage, stack).slice(0, KEPT_STACK_CHARACTERS)}*-${constructId}*`;

/** The name CloudFormation gives a function's role (`<construct>ServiceRole<8 hex>`), with a placeholder hash. */
export const synthesizedRoleName = (stage: string, stack: string, constructId: string): string =>
  cloudFormationGeneratedName(stackName(stage, stack), `${constructId}ServiceRole0A1B2C3D`, 'ABCDEFGHIJ012', 64);

/** The name CloudFormation gives a function (`<construct><8 hex>`), with a placeholder hash. */
export const synthesizedFunctionName = (stage: string, stack: string, constructId: string): string =>
  cloudFormationGeneratedName(stackName(stage, stack), `${constructId}0A1B2C3D`, 'ABCDEFGHIJ012', 64);

/** A function role of Goldsmith's: the stack (`Promotion`) and the construct (`Reconcile`) that make it. */
export interface FunctionRole {
  stack: string;
  construct: string;
}

/** The names of the stage's deployed roles, by stack and construct; absent: the synthesized name is used. */
export type RoleNames = (role: FunctionRole) => string;

/** The synthesized names of the stage's roles (no deployment read). */
export const synthesizedRoleNames =
  (stage: string): RoleNames =>
  ({ stack, construct }) =>
    synthesizedRoleName(stage, stack, construct);

/** One deployed role: its stack, its logical id and its name (the stack resource's PhysicalResourceId). */
export interface DeployedRole {
  stack: string;
  logicalId: string;
  name: string;
}

/**
 * The role names of a deployment: a function's role is the stack's `AWS::IAM::Role` whose logical id is
 * `<construct>ServiceRole…` (SST's Function); a role not deployed keeps its synthesized name.
 */
export function deployedRoleNames(stage: string, roles: readonly DeployedRole[]): RoleNames {
  return (role) =>
    roles.find(
      (r) => r.stack === stackName(stage, role.stack) && r.logicalId.startsWith(`${role.construct}ServiceRole`),
    )?.name ?? synthesizedRoleName(stage, role.stack, role.construct);
}
