import { getStack } from 'sst/constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StackTemplate } from '../../core/limits/index.js';
import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import releaseCatalog from '../../examples/catalogs/release.js';
import { actionsOf, type PolicyStatement, policyStatements } from '../../scripts/readiness/iam-actions.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { Trust } from '../../stacks/Trust.js';
import { synthesize } from './helpers.js';
import { synthesized } from './release-helpers.js';

/** The actions that write or delete a parameter (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html). */
const WRITES = ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:DeleteParameters', 'ssm:LabelParameterVersion'];
/** AWS managed policies that allow those writes on every parameter. */
const WRITING_MANAGED = /(AmazonSSMFullAccess|AdministratorAccess|PowerUserAccess|AmazonSSMAutomationRole)$/;

/** An IAM pattern (`*`, `?`, case-insensitive as IAM matches actions) as a regular expression. */
const pattern = (p: string) =>
  new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
    'i',
  );
// A resource as a glob: an intrinsic inside it (a Ref, an attribute) may be anything.
const glob = (r: unknown): string =>
  typeof r === 'string'
    ? r
    : Array.isArray((r as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1])
      ? (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map(glob).join('')
      : '*';
const PARAM = 'arn:aws:ssm:us-east-1:123456789012:parameter/goldsmith-release/prod';

/** Whether an Allow statement lets its holder write the release parameter (Action or NotAction, any case). */
function writesRelease(st: PolicyStatement): boolean {
  if (st.Effect !== 'Allow') return false;
  const list = (v: unknown) => (v === undefined ? [] : [v].flat().map(String));
  const actions = st.NotAction !== undefined ? [] : actionsOf(st);
  const allowed =
    st.NotAction !== undefined
      ? WRITES.some((w) => !list(st.NotAction).some((a) => pattern(a).test(w)))
      : WRITES.some((w) => actions.some((a) => pattern(a).test(w)));
  if (!allowed) return false;
  if (st.NotResource !== undefined) return !list(st.NotResource).some((r) => pattern(glob(r)).test(PARAM));
  return [st.Resource ?? '*'].flat().some((r) => pattern(glob(r)).test(PARAM));
}

/** Every statement and managed policy of `stacks` that lets a role write the release parameter. */
function releaseWriters(stacks: readonly StackTemplate[]): string[] {
  return stacks.flatMap(({ stack, template }) => [
    ...policyStatements(template as Parameters<typeof policyStatements>[0])
      .filter((f) => f.type !== 'AWS::Lambda::Permission' && !/AssumeRolePolicyDocument/.test(f.path))
      .filter((f) => writesRelease(f.statement))
      .map((f) => `${stack} ${f.logicalId} ${f.path}`),
    ...Object.entries(
      (template.Resources ?? {}) as Record<string, { Type: string; Properties?: Record<string, unknown> }>,
    )
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .flatMap(([id, r]) =>
        [r.Properties?.ManagedPolicyArns ?? []]
          .flat()
          .filter((arn) => WRITING_MANAGED.test(JSON.stringify(arn).replaceAll('"', '')))
          .map((arn) => `${stack} ${id} managed ${JSON.stringify(arn)}`),
      ),
  ]);
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };

describe('the release a deployment records', () => {
  let stacks: StackTemplate[];
  beforeAll(async () => {
    stacks = await synthesized();
  }, 120_000);
  const resources = () =>
    stacks.flatMap(({ stack, template }) =>
      Object.entries((template.Resources ?? {}) as Record<string, Resource>).map(([id, r]) => ({ stack, id, ...r })),
    );

  it("writes this checkout's version to /goldsmith-release/<stage> in the last stack, retained", () => {
    const parameters = resources().filter(
      (r) =>
        r.Type === 'AWS::SSM::Parameter' &&
        !/^\/goldsmith\/_(policies|functions|roles)\//.test(String(r.Properties?.Name)),
    );
    expect(parameters).toEqual([
      expect.objectContaining({
        stack: 'prod-goldsmith-Trust',
        DeletionPolicy: 'Retain',
        Properties: expect.objectContaining({
          Name: '/goldsmith-release/prod',
          Value: GOLDSMITH_VERSION,
          Type: 'String',
        }),
      }),
    ]);
    expect(GOLDSMITH_VERSION).toBe('0.3.0-dev');
  });

  it("lets the operators' role read exactly that parameter, and no role write it", () => {
    const touching = resources()
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) =>
        ((r.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [])
          .filter((s) => JSON.stringify(s.Resource).includes('goldsmith-release'))
          .map((s) => ({ policy: r.id, actions: s.Action, resource: JSON.stringify(s.Resource) })),
      );
    expect(touching).toEqual([
      {
        policy: expect.stringMatching(/^OperatorsRoleDefaultPolicy/),
        actions: 'ssm:GetParameter',
        resource: expect.stringContaining(':parameter/goldsmith-release/prod'),
      },
    ]);
  });

  it('grants no role a write that reaches the parameter: wildcards, NotAction, inline and managed policies', () => {
    expect(releaseWriters(stacks)).toEqual([]);
    // What the scan catches, on statements and roles that would break the rule.
    const own = (statement: PolicyStatement) => writesRelease(statement);
    expect(own({ Effect: 'Allow', Action: 'ssm:Put*Parameter', Resource: '*' })).toBe(true);
    expect(own({ Effect: 'Allow', Action: 'SSM:*parameter', Resource: 'arn:aws:ssm:*:*:parameter/*' })).toBe(true);
    expect(own({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })).toBe(true);
    expect(own({ Effect: 'Allow', NotAction: 'ssm:*', Resource: '*' })).toBe(false);
    expect(
      own({ Effect: 'Allow', Action: 'ssm:PutParameter', Resource: 'arn:aws:ssm:*:*:parameter/goldsmith/*' }),
    ).toBe(false);
    const inline: StackTemplate = {
      stack: 'x',
      template: {
        Resources: {
          R: {
            Type: 'AWS::IAM::Role',
            Properties: {
              ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMFullAccess'],
              Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'ssm:*', Resource: '*' }] } }],
            },
          },
        },
      },
    } as StackTemplate;
    expect(releaseWriters([inline])).toEqual([
      'x R Properties.Policies[0].PolicyDocument.Statement[0]',
      'x R managed "arn:aws:iam::aws:policy/AmazonSSMFullAccess"',
    ]);
  });

  it('records the release on every stack (output GoldsmithRelease) and writes the parameter only after every other stack', async () => {
    expect(
      stacks.map(({ stack, template }) => [
        stack,
        (template.Outputs as Record<string, { Value?: unknown }>)?.GoldsmithRelease?.Value,
      ]),
    ).toEqual(stacks.map(({ stack }) => [stack, GOLDSMITH_VERSION]));
    const app = await synthesize(releaseCatalog, { stacks: [...GOLDSMITH_STACKS] });
    const trust = getStack(Trust);
    const others = app.app.node.children.filter((c) => c !== trust && 'dependencies' in c);
    expect(others.length).toBe(stacks.length - 1);
    expect(others.filter((o) => !trust.dependencies.includes(o as never)).map((o) => o.node.id)).toEqual([]);
  }, 120_000);
});
