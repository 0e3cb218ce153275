/**
 * What every group of the service control policy's statements is written from (pure): the deployment's names, the
 * principals the statements exempt and the resource patterns several of them share. Part of the policy
 * core/scp/statements.ts writes.
 */
import { constructPattern, type FunctionRole, generatedPrefix } from './names.js';
import type { ScpOptions } from './roles.js';
import { sampleResources } from './samples.js';

/** The tag condition of the resources Goldsmith manages. */
export const managed = { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' };
/** The writes that change a parameter. */
export const PARAMETER_WRITES = [
  'ssm:PutParameter',
  'ssm:DeleteParameter',
  'ssm:DeleteParameters',
  'ssm:LabelParameterVersion',
  'ssm:AddTagsToResource',
];

/** The names a group of statements is written with. */
export interface StatementContext {
  options: ScpOptions;
  stage: string;
  account: string;
  region: string;
  /** The samples' resources. */
  r: ReturnType<typeof sampleResources>;
  /** The prefix of the names the stacks generate. */
  P: string;
  role: (name: string) => string;
  cdk: string;
  own: string;
  onFinding: string;
  fn: (f: FunctionRole) => string;
  functions: string;
  goldsmithRoles: string[];
  topics: string[];
  keys: string[];
  stateMachines: string[];
  topicSamples: { resource: string }[];
}

/** The context for `options`; `region` and `sampleAccount` only name the samples. */
export function statementContext(options: ScpOptions, region: string, sampleAccount: string): StatementContext {
  const { stage, account } = options;
  const r = sampleResources(stage, sampleAccount, region);
  const P = generatedPrefix(stage);
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  const cdk = role('cdk-*-cfn-exec-role-*');
  const own = role(`${P}*`);
  const onFinding = role(`goldsmith-${stage}-on-finding`);
  const fn = (f: FunctionRole) => role(constructPattern(stage, f.stack, f.construct));
  const functions = `arn:aws:lambda:*:*:function:${P}*`;
  // Goldsmith's role names in any path: a role's ARN carries its path before the name
  // (`arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access`,
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns), and `*` in a
  // resource ARN matches across `/`, so `role/*<name>` covers the root path and every other.
  const goldsmithRoles = [`arn:aws:iam::*:role/*${P}*`, `arn:aws:iam::*:role/*goldsmith-${stage}-*`];
  const topics = [`arn:aws:sns:*:*:${P}*`, `arn:aws:sns:*:*:goldsmith-${stage}-*`];
  const keys = [
    `arn:aws:secretsmanager:*:*:secret:goldsmith/${stage}/approval-links-*`,
    `arn:aws:secretsmanager:*:*:secret:goldsmith/${stage}/approval-decisions-*`,
    `arn:aws:secretsmanager:*:*:secret:goldsmith/${stage}/task-tokens-*`,
  ];
  const stateMachines = [
    'arn:aws:states:*:*:stateMachine:PromotionStateMachine*',
    'arn:aws:states:*:*:stateMachine:RolloutStateMachine*',
  ];
  const topicSamples = [{ resource: r.notifications }, { resource: r.approvalLinks }];
  return {
    options,
    stage,
    account,
    region,
    r,
    P,
    role,
    cdk,
    own,
    onFinding,
    fn,
    functions,
    goldsmithRoles,
    topics,
    keys,
    stateMachines,
    topicSamples,
  };
}
