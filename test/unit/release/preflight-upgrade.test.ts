import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CheckStatus } from '../../../aws/preflight/preflight-check.js';
import { upgradeChecks } from '../../../aws/preflight/preflight-upgrade.js';
import { rolloutRecord } from '../../fixtures/rollouts.js';
import { mockClient } from '../../helpers/mock-client.js';
import { preflightCatalog } from '../aws/preflight-catalog.js';
import { documentedScps } from '../preflight/documented-scp.js';

/**
 * `goldsmith preflight --stage`'s upgrade checks (aws/preflight/preflight-upgrade.ts) on stubbed AWS answers: the
 * release parameter and the stacks' releases, the ledger's open rollouts (a Query of its open-work index with the
 * operators' reads) and the SCPs the SCP check read.
 */

const ssm = mockClient(SSMClient);
const ddb = mockClient(DynamoDBDocumentClient);
const cloudFormation = mockClient(CloudFormationClient);
const catalog = preflightCatalog([{ name: 'prod', targets: { ous: ['ou-ab12-platform'] } }]);
const HOME = catalog.organization.homeRegion;
const MEMBER = { account: '200000000001', management: '100000000000', organizationId: 'o-a1b2c3d4e5' };
const image = Object.keys(catalog.images)[0] ?? 'base';

const rollout = (state: 'running' | 'paused', of = image) => ({
  pk: `IMAGE#${of}`,
  sk: `ROLLOUT#prod#1.0.0/3`,
  ...rolloutRecord({ image: of, channel: 'prod', version: '1.0.0/3', state }),
});

const stack = (name: string, release: string): Stack =>
  ({
    StackName: `prod-goldsmith-${name}`,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date(0),
    Outputs: [{ OutputKey: 'GoldsmithRelease', OutputValue: release }],
  }) as Stack;

const options = (extra: Partial<Parameters<typeof upgradeChecks>[0]> = {}) => ({
  stage: 'prod',
  preRelease: true,
  homeRegion: HOME,
  region: HOME,
  standing: MEMBER,
  scps: Promise.resolve(documentedScps().map((content, i) => ({ id: `p-${i}`, name: `goldsmith-${i}`, content }))),
  ...extra,
});

const statuses = (checks: { name: string; status: CheckStatus }[]) =>
  Object.fromEntries(checks.map((c) => [c.name, c.status]));

beforeEach(() => {
  process.env.AWS_REGION = HOME;
  ssm.reset();
  ddb.reset();
  cloudFormation.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.2.0' } });
  ddb.on(QueryCommand).resolves({ Items: [] });
  cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [stack('Ledger', '0.2.0'), stack('Trust', '0.2.0')] });
});

describe('preflight --stage, upgrading 0.2.0 to this checkout', () => {
  it("refuses a rollout moving groups, read from the stage ledger's open-work index, an image the catalog no longer names included", async () => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':kind': 'rollout' }, ExclusiveStartKey: undefined })
      .resolves({ Items: [rollout('running', 'retired-image')], LastEvaluatedKey: { pk: 'p', sk: 's' } })
      .on(QueryCommand, { ExpressionAttributeValues: { ':kind': 'rollout' }, ExclusiveStartKey: { pk: 'p', sk: 's' } })
      .resolves({ Items: [rollout('running')] });
    const checks = await upgradeChecks(options(), '0.3.0');
    const detail = checks.find((c) => c.name === 'rollouts')?.detail;
    expect(checks.find((c) => c.name === 'rollouts')?.status).toBe('missing');
    for (const of of ['retired-image', image])
      expect(detail).toContain(
        `${of}/prod 1.0.0/3 moves groups (wave 2/3 (wave-1)): goldsmith rollout pause ${of} prod --stage prod --reason "upgrade"`,
      );
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    // Two kinds (running or paused; taken back), one of them two pages: no Query per image.
    expect(queries).toHaveLength(3);
    expect(queries.map((q) => [q.TableName, q.IndexName, q.ExpressionAttributeValues?.[':kind']])).toEqual(
      expect.arrayContaining([
        ['goldsmith-prod-ledger', 'open-work', 'rollout'],
        ['goldsmith-prod-ledger', 'open-work', 'rollout-take-back'],
      ]),
    );
  });

  it('takes the steps from the oldest release the stacks record, not from a parameter newer than every stack', async () => {
    // A forged parameter (0.3.0) over stacks that all run 0.2.0: 0.3.0's steps are still due.
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.3.0' } });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':kind': 'rollout' } })
      .resolves({ Items: [rollout('running')] });
    const forged = await upgradeChecks(options(), '0.3.0');
    expect(forged.find((c) => c.name === 'upgrade steps')?.detail).toMatch(
      /^0\.2\.0 → 0\.3\.0: 0\.3\.0 declares pause-rollouts, scp, .*\(from the oldest recorded: prod-goldsmith-Ledger records 0\.2\.0\)$/,
    );
    expect(statuses(forged).rollouts).toBe('missing');
    // A half-deployed stage (Trust, deployed alone, records 0.3.0; the Ledger stack 0.2.0): the same.
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [stack('Ledger', '0.2.0'), stack('Trust', '0.3.0')] });
    expect(statuses(await upgradeChecks(options(), '0.3.0')).rollouts).toBe('missing');
    // Every stack on 0.3.0: nothing is due.
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [stack('Ledger', '0.3.0'), stack('Trust', '0.3.0')] });
    expect(statuses(await upgradeChecks(options(), '0.3.0'))).toEqual({ 'pre-release': 'ok', 'upgrade steps': 'ok' });
  });

  it('passes a paused rollout and a stage without a ledger yet, and the documented SCP', async () => {
    ddb.on(QueryCommand).resolves({ Items: [rollout('paused')] });
    expect(statuses(await upgradeChecks(options(), '0.3.0'))).toEqual({
      'pre-release': 'ok',
      'upgrade steps': 'ok',
      rollouts: 'ok',
      'service control policy for the upgrade': 'ok',
      'alerts to expect': 'ok',
      'after the deploy': 'ok',
    });
    ddb
      .on(QueryCommand)
      .rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));
    expect(statuses(await upgradeChecks(options(), '0.3.0')).rollouts).toBe('ok');
  });

  it('names the SCP statements 0.3.0 needs that the attached SCP lacks, and cannot check them in the management account', async () => {
    const older = documentedScps().map((c) => c.replace('"ssm:DeleteParameters",', ''));
    const scps = Promise.resolve(older.map((content) => ({ id: 'p-1', name: 'goldsmith', content })));
    const missing = await upgradeChecks(options({ scps }), '0.3.0');
    expect(missing.find((c) => c.name === 'service control policy for the upgrade')?.detail).toMatch(
      /^0\.3\.0 needs PointersOnlyByGoldsmith \(ssm:DeleteParameters\) in the SCP on 200000000001 or above it, absent/,
    );
    const management = await upgradeChecks(options({ standing: { ...MEMBER, account: MEMBER.management } }), '0.3.0');
    expect(management.find((c) => c.name === 'service control policy for the upgrade')?.status).toBe('not checked');
  });

  it("refuses the upgrade when the SCPs cannot be read: 0.3.0's statements are named with the permissions to add", async () => {
    const refused = Object.assign(new Error('You do not have access'), { name: 'AccessDeniedException' });
    const scps = Promise.reject(refused);
    scps.catch(() => undefined);
    const check = (await upgradeChecks(options({ scps }), '0.3.0')).find(
      (c) => c.name === 'service control policy for the upgrade',
    );
    expect(check?.status).toBe('missing');
    expect(check?.detail).toMatch(
      /^0\.3\.0 needs BusPoliciesOnlyByTheDeployment, .*, which cannot be checked: could not read the SCPs attached to 200000000001 and above it \(AccessDeniedException: You do not have access\): add organizations:ListPoliciesForTarget and organizations:DescribePolicy/,
    );
  });

  it('refuses a pre-release without --pre-release, and reads no rollout when the stage runs the release', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.3.0' } });
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [stack('Trust', '0.3.0')] });
    const checks = await upgradeChecks(options({ preRelease: false }), '0.3.1-dev');
    expect(statuses(checks)).toEqual({ 'pre-release': 'missing', 'upgrade steps': 'ok' });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
