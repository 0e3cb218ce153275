import { describe, expect, it } from 'vitest';
import { AWS_COMMERCIAL_REGIONS } from '../../../core/regions.js';
import { ServiceLinkedRolesFake } from '../../../local/fakes/iam-service-roles.js';
import { KmsFake } from '../../../local/fakes/kms.js';
import { OrganizationsFake } from '../../../local/fakes/organizations.js';
import { StackSetsFake } from '../../../local/fakes/stacksets.js';
import { stackSetsApi } from '../../../local/fakes/stacksets-api.js';
import { byAccountThenRegion, type CreateStackSetInput } from '../../../local/fakes/stacksets-types.js';
import { withdrawViolations } from '../../../local/models/request-check.js';

const MANAGEMENT = '100000000000';
const OU = 'ou-ab12-team0001';
const MEMBER = '200000000001';

/** A template whose one custom resource's inline function runs `body` (CommonJS, `event` in scope). */
function templateRunning(body: string): string {
  const code = `const https = require('node:https');
exports.handler = async (event) => { ${body} };
function answer(event, Status) {
  return new Promise((done) => {
    const put = https.request(event.ResponseURL, { method: 'PUT' }, (r) => { r.resume(); r.on('end', done); });
    put.end(JSON.stringify({ Status, Reason: Status, PhysicalResourceId: 'thing-' + event.RequestType,
      StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId }));
  });
}`;
  return JSON.stringify({
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Timeout: 60, Code: { ZipFile: code } },
      },
      Thing: { Type: 'Custom::Thing', Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
    },
  });
}

const SECOND_OU = 'ou-ab12-team0002';
const SECOND_MEMBER = '200000000009';

function world(
  input: Partial<CreateStackSetInput> = {},
  body = "await answer(event, 'SUCCESS');",
  accounts: { id: string }[] = [{ id: MEMBER }],
) {
  const organization = new OrganizationsFake({
    organizationId: 'o-ab12cd34ef',
    managementAccountId: MANAGEMENT,
    ous: [
      { id: OU, accounts },
      { id: SECOND_OU, accounts: [{ id: SECOND_MEMBER }] },
    ],
  });
  const stackSets = new StackSetsFake(organization, MANAGEMENT, {
    iam: new ServiceLinkedRolesFake(),
    kms: new KmsFake('111111111111'),
    organizationId: 'o-ab12cd34ef',
  });
  stackSets.trustedAccess = true;
  stackSets.createStackSet(MANAGEMENT, {
    StackSetName: 'baseline',
    TemplateBody: templateRunning(body),
    PermissionModel: 'SERVICE_MANAGED',
    CallAs: 'SELF',
    AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
    ...input,
  });
  return { organization, stackSets };
}

describe('the StackSets fake', () => {
  it('marks an instance OUTDATED, with the reason, when its custom resource never answers', async () => {
    const { stackSets } = world({}, 'return;');
    await stackSets.createStackInstances([OU], ['eu-west-1'], 0);
    expect(stackSets.stackInstances()).toEqual([
      expect.objectContaining({ account: MEMBER, status: 'OUTDATED', statusReason: 'Thing: no answer within 3600 s' }),
    ]);
  });

  it('adds no instance for a joiner without auto-deployment', async () => {
    const { stackSets, organization } = world({ AutoDeployment: { Enabled: false } });
    await stackSets.createStackInstances([OU], ['eu-west-1'], 0);
    organization.change({ change: 'create-account', account: '200000000002', to: OU }, '2026-01-01T00:00:00Z');
    await stackSets.reconcile(1);
    expect(stackSets.stackInstances().map((i) => i.account)).toEqual([MEMBER]);
  });

  it('refuses code that requires a module the Lambda runtime does not provide', async () => {
    const { stackSets } = world({}, "require('left-pad'); await answer(event, 'SUCCESS');");
    await stackSets.createStackInstances([OU], ['eu-west-1'], 0);
    expect(stackSets.stackInstances()[0]?.status).toBe('OUTDATED');
  });

  it('checks its requests against the CloudFormation API model', () => {
    // A boolean the model requires, sent as a string.
    world({ AutoDeployment: { Enabled: 'yes' as unknown as boolean } });
    const seen = withdrawViolations((v) => v.service === 'CloudFormation' && v.operation === 'CreateStackSet');
    expect(seen.map((v) => v.path)).toEqual(['AutoDeployment.Enabled']);
  });

  // A custom resource that takes a virtual minute, as the member function's waits do.
  const SLOW = "await new Promise((done) => setTimeout(done, 60000)); await answer(event, 'SUCCESS');";

  it('refuses a second operation while the first runs, unless managed execution queues it behind', async () => {
    const unmanaged = world({}, SLOW);
    await unmanaged.stackSets.createStackInstances([OU], ['eu-west-1'], 0);
    await expect(unmanaged.stackSets.createStackInstances([SECOND_OU], ['eu-west-1'], 1_000)).rejects.toMatchObject({
      name: 'OperationInProgressException',
    });
    expect(unmanaged.stackSets.stackInstances().map((i) => i.account)).toEqual([MEMBER]);

    const managed = world({ ManagedExecution: { Active: true } }, SLOW);
    await managed.stackSets.createStackInstances([OU], ['eu-west-1'], 0);
    await managed.stackSets.createStackInstances([SECOND_OU], ['eu-west-1'], 1_000);
    // The queued operation starts when the first finishes, a minute in, and takes its own minute.
    expect(managed.stackSets.stackInstances().map((i) => [i.account, i.at])).toEqual([
      [MEMBER, 60_000],
      [SECOND_MEMBER, 120_000],
    ]);
    expect(managed.stackSets.operations.map((o) => [o.startedAt, o.finishedAt, o.created])).toEqual([
      [0, 60_000, 1],
      [60_000, 120_000, 1],
    ]);
  });

  it('refuses, whole, instances past the quota of 100,000 per stack set', async () => {
    // 6,251 accounts in 16 Regions: 100,016 instances.
    const accounts = Array.from({ length: 6_251 }, (_, i) => ({ id: String(300_000_000_000 + i) }));
    const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2']
      .concat(['eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2'])
      .concat(['ap-southeast-1', 'ap-southeast-2', 'sa-east-1']);
    const { stackSets } = world({}, undefined, accounts);
    await expect(stackSets.createStackInstances([OU], regions, 0)).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: expect.stringContaining('100016 stack instances'),
    });
    expect(stackSets.stackInstances()).toEqual([]);
  });

  // Three accounts in one OU; the custom resource takes a virtual minute, and fails in `failing` accounts.
  const THREE = [{ id: '200000000001' }, { id: '200000000002' }, { id: '200000000003' }];
  const slowFailingIn = (failing: string[]) =>
    `await new Promise((done) => setTimeout(done, 60000)); await answer(event, ${JSON.stringify(failing)}.some((a) => event.StackId.includes(':' + a + ':')) ? 'FAILED' : 'SUCCESS');`;
  const finishing = (stackSets: StackSetsFake) => stackSets.stackInstances().map((i) => [i.account, i.at, i.status]);

  it('deploys one account at a time by default (MaxConcurrentCount 1, strict failure tolerance 0)', async () => {
    const { stackSets } = world({}, slowFailingIn([]), THREE);
    await stackSets.createStackInstances([OU], ['eu-west-1'], 0);
    expect(finishing(stackSets)).toEqual([
      ['200000000001', 60_000, 'CURRENT'],
      ['200000000002', 120_000, 'CURRENT'],
      ['200000000003', 180_000, 'CURRENT'],
    ]);
  });

  it('caps concurrency at the failure tolerance + 1 in strict mode, and not in soft mode', async () => {
    const preferences = { MaxConcurrentCount: 3, FailureToleranceCount: 0 };
    const strict = world({}, slowFailingIn([]), THREE);
    await strict.stackSets.createStackInstances([OU], ['eu-west-1'], 0, preferences);
    expect(finishing(strict.stackSets).map(([, at]) => at)).toEqual([60_000, 120_000, 180_000]);
    const soft = world({}, slowFailingIn([]), THREE);
    await soft.stackSets.createStackInstances([OU], ['eu-west-1'], 0, {
      ...preferences,
      ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
    });
    expect(finishing(soft.stackSets).map(([, at]) => at)).toEqual([60_000, 60_000, 60_000]);
    // A percentage rounds down, and never below one account: 50 % of 3 is 1.
    const half = world({}, slowFailingIn([]), THREE);
    await half.stackSets.createStackInstances([OU], ['eu-west-1'], 0, {
      MaxConcurrentPercentage: 50,
      ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
    });
    expect(finishing(half.stackSets).map(([, at]) => at)).toEqual([60_000, 120_000, 180_000]);
  });

  it('stops past the failure tolerance, cancelling the accounts it never reached and the later Regions', async () => {
    const { stackSets } = world({}, slowFailingIn(['200000000001']), THREE);
    await stackSets.createStackInstances([OU], ['eu-west-1', 'us-east-1'], 0);
    const cancelled = 'Cancelled since failure tolerance has exceeded';
    expect(stackSets.stackInstances().map((i) => [i.account, i.region, i.status, i.statusReason])).toEqual([
      ['200000000001', 'eu-west-1', 'OUTDATED', 'Thing: FAILED'],
      ['200000000001', 'us-east-1', 'OUTDATED', cancelled],
      ['200000000002', 'eu-west-1', 'OUTDATED', cancelled],
      ['200000000002', 'us-east-1', 'OUTDATED', cancelled],
      ['200000000003', 'eu-west-1', 'OUTDATED', cancelled],
      ['200000000003', 'us-east-1', 'OUTDATED', cancelled],
    ]);
    // In soft mode the three run at once, so all three are attempted before the failure counts.
    const soft = world({}, slowFailingIn(['200000000001']), THREE);
    await soft.stackSets.createStackInstances([OU], ['eu-west-1'], 0, {
      MaxConcurrentCount: 3,
      ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
    });
    expect(finishing(soft.stackSets).map(([, , status]) => status)).toEqual(['OUTDATED', 'CURRENT', 'CURRENT']);
  });

  it('updates every instance in one UpdateStackSet paced by its preferences, each replaced custom resource cleaned up when its stack ends', async () => {
    const { stackSets } = world({}, slowFailingIn([]), THREE);
    await stackSets.createStackInstances([OU], ['eu-west-1'], 0, { MaxConcurrentCount: 3, FailureToleranceCount: 2 });
    const armed: [string, number][] = [];
    stackSets.updates.arm = (stackId, at) => armed.push([stackId, at]);
    // The custom resource gains a property: an Update, answered with a new physical id (`thing-Update`).
    const template = JSON.parse(templateRunning(slowFailingIn([]))) as { Resources: { Thing: { Properties: object } } };
    template.Resources.Thing.Properties = { ...template.Resources.Thing.Properties, Version: '2' };
    const input = { ...(stackSets.stackSetInput() as CreateStackSetInput), TemplateBody: JSON.stringify(template) };
    // Two at a time (a tolerance of 1, strict): the third account waits for a slot.
    await stackSets.updateStackSet(input, 120_000, { MaxConcurrentCount: 2, FailureToleranceCount: 1 });
    expect(finishing(stackSets)).toEqual([
      ['200000000001', 180_000, 'CURRENT'],
      ['200000000002', 180_000, 'CURRENT'],
      ['200000000003', 240_000, 'CURRENT'],
    ]);
    expect(stackSets.operations.at(-1)).toMatchObject({
      kind: 'update-stack-set',
      startedAt: 120_000,
      finishedAt: 240_000,
      updated: 3,
    });
    expect(stackSets.stackInstances().map((i) => i.physicalIds['Thing'])).toEqual(Array(3).fill('thing-Update'));
    // The old physical ids wait for their stack's end to be sent their Delete.
    expect(armed.map(([, at]) => at)).toEqual([180_000, 180_000, 240_000]);
    expect(stackSets.updates.pending.map((c) => c.customs.map((x) => x.physicalId))).toEqual(
      Array(3).fill(['thing-Create']),
    );
    for (const [stackId] of armed) await stackSets.runCleanup(stackId);
    expect(stackSets.updates.pending).toEqual([]);
    const listed = stackSetsApi(stackSets).handle({
      service: 'cloudformation',
      action: 'ListStackSetOperations',
      input: { StackSetName: 'baseline' },
      body: undefined,
      region: 'eu-west-1',
      accountId: MANAGEMENT,
    }) as { Summaries: { Action: string; Status: string; CreationTimestamp: Date; EndTimestamp?: Date }[] };
    expect(listed.Summaries.map((o) => [o.Action, o.Status, o.CreationTimestamp, o.EndTimestamp])).toEqual([
      ['CREATE', 'SUCCEEDED', new Date(0), new Date(60_000)],
      ['UPDATE', 'SUCCEEDED', new Date(120_000), new Date(240_000)],
    ]);
  });

  it('deletes the old instance of an account moved between two targeted OUs before it creates the new one', async () => {
    const { stackSets, organization } = world({}, SLOW);
    await stackSets.createStackInstances([OU, SECOND_OU], ['eu-west-1'], 0);
    const before = stackSets.stackInstances().find((i) => i.account === MEMBER)!;
    organization.change({ change: 'move-account', account: MEMBER, to: SECOND_OU }, '2026-01-01T00:00:00Z');
    await stackSets.reconcile(600_000);
    const after = stackSets.stackInstances().find((i) => i.account === MEMBER)!;
    expect([after.ou, after.stackId === before.stackId, after.status]).toEqual([SECOND_OU, false, 'CURRENT']);
    // The old stack's Delete ran its minute first; the new one's Create ran after it, for its own minute.
    expect([before.at, after.at]).toEqual([660_000, 720_000]);
    expect(stackSets.operations.at(-1)).toMatchObject({ kind: 'auto-deployment', created: 1, deleted: 1 });
  });
});

describe('the order of stack instances', () => {
  it('is by account, then Region, as localeCompare orders every commercial Region and account id', () => {
    const accounts = ['200000000010', '200000000002', '111100000001', '999999999999', '200000000001'];
    const all = accounts.flatMap((account) => AWS_COMMERCIAL_REGIONS.map((region) => ({ account, region })));
    const byLocale = [...all].sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
    expect([...all].reverse().sort(byAccountThenRegion)).toEqual(byLocale);
    expect(byLocale.slice(0, 2)).toEqual([
      { account: '111100000001', region: 'af-south-1' },
      { account: '111100000001', region: 'ap-east-1' },
    ]);
  });
});
