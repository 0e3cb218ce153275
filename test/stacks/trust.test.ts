import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogInput } from '../../core/config/schema.js';
import exampleCatalog from '../../goldsmith.config.js';
import { TemplateResolver } from '../../local/simulator/intrinsics.js';
import { type SynthesizedApp, synthesizeApp } from '../../local/simulator/synth.js';
import { BusAuthorizer } from '../../local/trust/bus-authorizer.js';
import { busPolicyOf, type PolicyDocument, rolePoliciesByArn } from '../../local/trust/policies.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { parseCatalogInput } from '../../stacks/catalog.js';
import { APPROVAL_CALLBACK_CONCURRENCY } from '../../stacks/promotion/functions.js';
import { LAMBDA_UNRESERVED_MINIMUM, MINIMUM_ACCOUNT_CONCURRENCY } from '../../stacks/reserved-concurrency.js';
import { OPERATOR_CONCURRENCY, OPERATOR_DOOR_CONCURRENCY } from '../../stacks/trust/operator.js';
import { REPO_ROOT } from './helpers.js';

const ACCOUNT = '123456789012';
const ORG_ACCOUNT = '444455556666';
const CI_ROLE = `arn:aws:iam::${ACCOUNT}:role/ci-release`;
const BUS = 'goldsmith-local';

const catalogInput = {
  ...exampleCatalog,
  access: { ...exampleCatalog.access, ci: [CI_ROLE, ORG_ACCOUNT] },
} as CatalogInput;

type Resource = { Type: string; Properties?: Record<string, unknown> };
let app: SynthesizedApp;
let resolver: TemplateResolver;
let authorizer: BusAuthorizer;
let policy: PolicyDocument;
let roles: Map<string, PolicyDocument[]>;

/** The role ARN of the function whose handler is `handler`. */
function roleOf(handler: string): string {
  const logicalId = [...app.handlers].find(([, h]) => h === handler)?.[0];
  const fn = app.templates.map((t) => t.Resources?.[logicalId ?? '']).find((r) => r !== undefined);
  return String(resolver.resolve(fn?.Properties?.Role));
}

function resourcesOf(type: string): Resource[] {
  return app.templates.flatMap((t) => Object.values(t.Resources ?? {}).filter((r) => r.Type === type));
}

beforeAll(async () => {
  const catalog = parseCatalogInput(catalogInput, REPO_ROOT);
  app = await synthesizeApp(catalog, GOLDSMITH_STACKS, { root: REPO_ROOT, accountId: ACCOUNT });
  resolver = new TemplateResolver(app.templates, { accountId: ACCOUNT, region: 'us-east-1' });
  const found = busPolicyOf(app.templates, resolver, BUS);
  if (!found) throw new Error('no bus policy in the synthesized app');
  policy = found;
  roles = rolePoliciesByArn(app.templates, resolver);
  authorizer = new BusAuthorizer({
    accountId: ACCOUNT,
    region: 'us-east-1',
    organizationId: catalog.organization.id,
    organizationAccounts: new Set([ACCOUNT, ORG_ACCOUNT, '555566667777']),
    busPolicies: new Map([[BUS, policy]]),
    rolePolicies: roles,
  });
}, 180_000);

const EVENTS = [
  ['goldsmith', 'Image Promoted'],
  ['goldsmith', 'Image Rejected'],
  ['goldsmith', 'Image Revoked'],
  ['goldsmith', 'Image Rebuild Requested'],
  ['goldsmith', 'Base Image Changed'],
  ['goldsmith', 'Package Update'],
  ['goldsmith.ci', 'Package Update'],
  ['goldsmith.ci', 'Image Revoked'],
  ['someone.else', 'Image Promoted'],
] as const;

/** The events (of EVENTS) the bus accepts from `principal`, as `source/detail-type`. */
async function allowedFor(principal: string): Promise<string[]> {
  const allowed: string[] = [];
  for (const [source, detailType] of EVENTS) {
    if (!(await authorizer.authorize(principal, BUS, source, detailType))) allowed.push(`${source}/${detailType}`);
  }
  return allowed;
}

describe("Goldsmith's bus policy, simulated as synthesized (iam-simulate), per principal", () => {
  it('lets the publish function put only "Image Promoted", and the watcher only "Base Image Changed"', async () => {
    expect(await allowedFor(roleOf('functions/promotion/publish.handler'))).toEqual(['goldsmith/Image Promoted']);
    const publishSession = roleOf('functions/promotion/publish.handler').replace(
      /^arn:aws:iam::(\d+):role\/(.+)$/,
      'arn:aws:sts::$1:assumed-role/$2/goldsmith-local-publish',
    );
    expect(await allowedFor(publishSession)).toEqual(['goldsmith/Image Promoted']);
    expect(await allowedFor(roleOf('functions/watch-base-images.handler'))).toEqual(['goldsmith/Base Image Changed']);
  });

  it('lets only the functions that revoke put "Image Revoked" and ask for rebuilds: lifecycle, on-finding, operator-revoke', async () => {
    const revokers = [
      'functions/on-lifecycle-request.handler',
      'functions/on-finding.handler',
      'functions/operator-revoke.handler',
    ];
    for (const handler of revokers) {
      expect(await allowedFor(roleOf(handler)), handler).toEqual([
        'goldsmith/Image Revoked',
        'goldsmith/Image Rebuild Requested',
      ]);
    }
  });

  it('lets a CI principal — a named role, or any role of a named organization account — put only "Package Update"', async () => {
    expect(await allowedFor(CI_ROLE)).toEqual(['goldsmith.ci/Package Update']);
    expect(await allowedFor(`arn:aws:iam::${ORG_ACCOUNT}:role/pipeline`)).toEqual(['goldsmith.ci/Package Update']);
  });

  it('refuses everything from a same-account role holding events:PutEvents on *, explicitly', async () => {
    const admin = `arn:aws:iam::${ACCOUNT}:role/admin`;
    expect(await allowedFor(admin)).toEqual([]);
    expect((await authorizer.authorize(admin, BUS, 'goldsmith', 'Image Revoked'))?.reason).toContain('explicit deny');
  });

  it('refuses everything from an unlisted account of the organization and from outside it', async () => {
    expect(await allowedFor('arn:aws:iam::555566667777:role/builder')).toEqual([]);
    expect(await allowedFor('arn:aws:iam::999988887777:role/outsider')).toEqual([]);
  });

  it('refuses functions that publish nothing (e.g. start-builds) everything', async () => {
    expect(await allowedFor(roleOf('functions/start-builds.handler'))).toEqual([]);
  });

  it('names every role that may put events on the bus among its writers, and fits the 10,240-character quota', () => {
    // Roles that put on Goldsmith's bus; the forwarding role puts findings on the home default bus only.
    const writers = [...roles.entries()]
      .filter(([, docs]) => {
        const text = JSON.stringify(docs);
        return text.includes('events:PutEvents') && text.includes(`event-bus/${BUS}`);
      })
      .map(([arn]) => arn)
      .sort();
    const named = JSON.stringify(policy);
    expect(writers.length).toBeGreaterThan(0);
    for (const arn of writers) expect(named, arn).toContain(arn);
    expect(JSON.stringify(policy).length).toBeLessThan(10_240);
  });
});

describe('the operator endpoint and the approval callback in the synthesized app', () => {
  it("serves the operator endpoint's three functions through AWS_IAM function URLs with reserved concurrency", () => {
    const urls = resourcesOf('AWS::Lambda::Url').map((u) => resolver.resolve(u.Properties) as Record<string, unknown>);
    expect(urls.map((u) => u.AuthType).sort()).toEqual(['AWS_IAM', 'AWS_IAM', 'AWS_IAM', 'NONE']);
    const concurrency = resourcesOf('AWS::Lambda::Function')
      .map((f) => f.Properties?.ReservedConcurrentExecutions)
      .filter((c) => c !== undefined)
      .sort();
    // Besides the two URL functions, organization-sync runs one at a time (stacks/promotion/organization.ts).
    expect(concurrency).toEqual(
      [
        APPROVAL_CALLBACK_CONCURRENCY,
        OPERATOR_CONCURRENCY,
        OPERATOR_DOOR_CONCURRENCY['operator-revoke'],
        OPERATOR_DOOR_CONCURRENCY['operator-rollback'],
        1,
      ].sort(),
    );
  });

  it('keeps EC2, RAM, pointer, scheduler and bus calls out of the front door: only the revoke and rollback doors hold them', () => {
    const actionsOf = (handler: string) =>
      (roles.get(roleOf(handler)) ?? []).flatMap((d) =>
        (d.Statement as unknown as { Action: string | string[] }[]).flatMap((s) => s.Action),
      );
    const lifecycle = /^(ec2|ram|ssm|scheduler|events|organizations|ecr):|^iam:PassRole$/;
    expect(actionsOf('functions/operator.handler').filter((a) => lifecycle.test(a))).toEqual([]);
    expect(actionsOf('functions/operator-revoke.handler')).toEqual(
      expect.arrayContaining(['ec2:ModifyImageAttribute', 'ssm:DeleteParameter', 'scheduler:CreateSchedule']),
    );
    expect(actionsOf('functions/operator-revoke.handler')).not.toContain('ec2:DisableImageDeprecation');
    expect(actionsOf('functions/operator-rollback.handler')).toEqual(
      expect.arrayContaining(['ec2:DisableImageDeprecation', 'ssm:PutParameter', 'imagebuilder:ListImageScanFindings']),
    );
    expect(actionsOf('functions/operator-rollback.handler')).not.toContain('scheduler:CreateSchedule');
  });

  it("reserves in all exactly what the account concurrency the docs ask for leaves above Lambda's unreserved 100", () => {
    const reserved = resourcesOf('AWS::Lambda::Function')
      .map((f) => f.Properties?.ReservedConcurrentExecutions)
      .filter((c): c is number => typeof c === 'number')
      .reduce((sum, n) => sum + n, 0);
    expect(LAMBDA_UNRESERVED_MINIMUM + reserved).toBe(MINIMUM_ACCOUNT_CONCURRENCY);
  });

  it("lets only the catalog's operators assume the operators' role, which may invoke the URL and read", () => {
    const role = resourcesOf('AWS::IAM::Role')
      .map((r) => resolver.resolve(r.Properties) as Record<string, unknown>)
      .find((p) => p.RoleName === 'goldsmith-local-operators');
    const trust = JSON.stringify(role?.AssumeRolePolicyDocument);
    expect(trust).toContain('arn:aws:iam::123456789012:role/platform-engineer');
    expect(trust).not.toContain(':root');
    const policies = JSON.stringify(roles.get(`arn:aws:iam::${ACCOUNT}:role/goldsmith-local-operators`));
    expect(policies).toContain('lambda:InvokeFunctionUrl');
    expect(policies).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem)/);
    // An acting command reads its door's URL from this stack's outputs, and no other stack's.
    const describe = (roles.get(`arn:aws:iam::${ACCOUNT}:role/goldsmith-local-operators`) ?? [])
      .flatMap((d) => d.Statement as unknown as Record<string, unknown>[])
      .filter((st) => JSON.stringify(st.Action).includes('cloudformation:DescribeStacks'));
    expect(describe.map((st) => st.Resource)).toEqual([
      expect.stringMatching(/^arn:aws:cloudformation:us-east-1:\d{12}:stack\/local-goldsmith-Trust\/\*$/),
    ]);
  });

  it("lets each approver principal invoke the front door's URL only: the revoke and rollback doors name no approver", () => {
    const permissions = resourcesOf('AWS::Lambda::Permission').map(
      (p) => resolver.resolve(p.Properties) as Record<string, unknown>,
    );
    const approverUrl = permissions.filter(
      (p) => p.Action === 'lambda:InvokeFunctionUrl' && p.FunctionUrlAuthType === 'AWS_IAM',
    );
    // The front door lets an approver only approve or reject, and says so for anything else.
    expect(approverUrl.map((p) => p.Principal).sort()).toEqual(
      ['ops-lead', 'security-reviewer'].map((name) => `arn:aws:iam::123456789012:role/${name}`),
    );
    const doors = new Set(
      permissions.filter((p) => String(p.Principal).includes(':role/')).map((p) => String(p.FunctionName)),
    );
    // One door: the front door's function (logical id `Operator<hash>`), never RevokeEndpoint or RollbackEndpoint.
    expect([...doors]).toHaveLength(1);
    expect([...doors][0]).toMatch(/:function:Operator[0-9A-F]{8}$/);
  });
});

describe('scheduled revocations (revoke --at) in the synthesized app', () => {
  /** Every statement of a role's identity policies. */
  const statementsOf = (roleArn: string) =>
    (roles.get(roleArn) ?? []).flatMap((d) => d.Statement as unknown as Record<string, unknown>[]);
  const asList = (v: unknown) => (Array.isArray(v) ? v : [v]);
  const roleArnWith = (description: string) => {
    for (const t of app.templates) {
      for (const [id, r] of Object.entries(t.Resources ?? {})) {
        if (r.Type === 'AWS::IAM::Role' && r.Properties?.Description === description) return resolver.arn(id);
      }
    }
    throw new Error(`no role described "${description}"`);
  };
  const schedulerRole = () =>
    roleArnWith('Goldsmith: EventBridge Scheduler invokes on-lifecycle-request for a revocation asked for later');

  it('creates the revocation schedule group', () => {
    const groups = resourcesOf('AWS::Scheduler::ScheduleGroup').map((g) => resolver.resolve(g.Properties?.Name));
    // The re-drive's follow-up looks have a group of their own (stacks/monitoring/redrive-triggers.ts).
    // Each stack's recurring schedules live in a group named after the stack, never in `default`.
    expect(groups.sort()).toEqual([
      'goldsmith-local-redrive',
      'goldsmith-local-revocations',
      'local-goldsmith-MemberBaseline',
      'local-goldsmith-Monitoring',
      'local-goldsmith-Notifications',
      'local-goldsmith-Promotion',
      'local-goldsmith-Triggers',
    ]);
  });

  it('lets only EventBridge Scheduler of this account assume the scheduler role, which may only invoke on-lifecycle-request', () => {
    const role = resourcesOf('AWS::IAM::Role').find((r) =>
      String(r.Properties?.Description).includes('for a revocation asked for later'),
    );
    expect(resolver.resolve(role?.Properties?.AssumeRolePolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnLike: {
              'aws:SourceArn': `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/goldsmith-local-revocations/*`,
            },
          },
        },
      ],
    });
    const target = [...app.handlers].find(([, h]) => h === 'functions/on-lifecycle-request.handler')?.[0] ?? '';
    expect(statementsOf(schedulerRole())).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: resolver.arn(target) },
    ]);
  });

  it('lets the revoke door create, read and delete schedules of its group only, and pass only that role, to Scheduler', () => {
    const operator = statementsOf(roleOf('functions/operator-revoke.handler'));
    const scheduling = operator.filter((s) => asList(s.Action).some((a) => /^(scheduler|iam):/.test(String(a))));
    expect(scheduling).toEqual([
      {
        Action: ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'scheduler:DeleteSchedule'],
        Effect: 'Allow',
        Resource: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/goldsmith-local-revocations/*`,
      },
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: schedulerRole(),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('gives no other role a scheduler action on the revocations group, or iam:PassRole on the scheduler role', () => {
    const others = [...roles.keys()].filter((arn) => arn !== roleOf('functions/operator-revoke.handler'));
    // A resource that could be a revocation schedule: the revocations group's, or any schedule at all.
    const reachesRevocations = (r: unknown) => {
      const text = JSON.stringify(resolver.resolve(r));
      return text.includes('revocations') || /schedule\/\*|"\*"/.test(text);
    };
    const granted = others.filter((arn) =>
      statementsOf(arn).some(
        (s) =>
          (asList(s.Action).some((a) => /^scheduler:(Create|Update|Delete)/.test(String(a))) &&
            asList(s.Resource).some(reachesRevocations)) ||
          asList(s.Resource).includes(schedulerRole()),
      ),
    );
    expect(granted).toEqual([]);
  });
});

describe('restore (a revoked version) in the synthesized app', () => {
  const statementsOf = (roleArn: string) =>
    (roles.get(roleArn) ?? []).flatMap((d) => d.Statement as unknown as Record<string, unknown>[]);
  const asList = (v: unknown) => (Array.isArray(v) ? v : [v]);
  const granting = (arn: string, action: string) => statementsOf(arn).filter((s) => asList(s.Action).includes(action));

  it('lets the rollback door cancel the deprecation of tagged Goldsmith AMIs only, and no other role', () => {
    const operator = roleOf('functions/operator-rollback.handler');
    expect(granting(operator, 'ec2:DisableImageDeprecation')).toEqual([
      {
        Action: 'ec2:DisableImageDeprecation',
        Effect: 'Allow',
        Resource: 'arn:aws:ec2:*::image/*',
        Condition: { StringEquals: { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' } },
      },
    ]);
    const others = [...roles.keys()].filter((arn) => arn !== operator);
    expect(others.filter((arn) => granting(arn, 'ec2:DisableImageDeprecation').length > 0)).toEqual([]);
  });

  it("lets the rollback door read the catalog's organization (to give a restored version its channels' grants)", () => {
    const operator = roleOf('functions/operator-rollback.handler');
    const listing = granting(operator, 'organizations:ListAccountsForParent');
    expect(listing).toHaveLength(1);
    expect(asList(listing[0]?.Resource)).toEqual([
      'arn:aws:organizations::*:root/o-a1b2c3d4e5/*',
      'arn:aws:organizations::*:ou/o-a1b2c3d4e5/*',
    ]);
    expect(granting(operator, 'organizations:ListTagsForResource')).toHaveLength(1);
  });
});
