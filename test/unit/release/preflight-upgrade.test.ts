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
 * release parameter, each image's rollout records (a Query of the ledger with the operators' reads) and the SCPs the
 * SCP check read.
 */

const ssm = mockClient(SSMClient);
const ddb = mockClient(DynamoDBDocumentClient);
const catalog = preflightCatalog([{ name: 'prod', targets: { ous: ['ou-ab12-platform'] } }]);
const HOME = catalog.organization.homeRegion;
const MEMBER = { account: '200000000001', management: '100000000000', organizationId: 'o-a1b2c3d4e5' };
const image = Object.keys(catalog.images)[0] ?? 'base';

const rollout = (state: 'running' | 'paused') => ({
  pk: `IMAGE#${image}`,
  sk: `ROLLOUT#prod#1.0.0/3`,
  ...rolloutRecord({ image, channel: 'prod', version: '1.0.0/3', state }),
});

const options = (extra: Partial<Parameters<typeof upgradeChecks>[1]> = {}) => ({
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
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.2.0' } });
  ddb.on(QueryCommand).resolves({ Items: [] });
});

describe('preflight --stage, upgrading 0.2.0 to this checkout', () => {
  it("refuses a rollout moving groups, read from each image's rollout records in the stage's ledger", async () => {
    ddb.on(QueryCommand).resolves({ Items: [rollout('running')] });
    const checks = await upgradeChecks(catalog, options(), '0.3.0');
    expect(checks.find((c) => c.name === 'rollouts')).toEqual({
      name: 'rollouts',
      status: 'missing',
      detail: expect.stringContaining(
        `${image}/prod 1.0.0/3 moves groups (wave 2/3 (wave-1)): goldsmith rollout pause ${image} prod --stage prod --reason "upgrade"`,
      ),
    });
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries).toHaveLength(Object.keys(catalog.images).length);
    expect(queries[0]).toMatchObject({
      TableName: 'goldsmith-prod-ledger',
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :past',
      ExpressionAttributeValues: { ':pk': `IMAGE#${image}`, ':from': 'ROLLOUT#', ':past': 'ROLLOUT$' },
    });
  });

  it('passes a paused rollout and a stage without a ledger yet, and the documented SCP', async () => {
    ddb.on(QueryCommand).resolves({ Items: [rollout('paused')] });
    expect(statuses(await upgradeChecks(catalog, options(), '0.3.0'))).toEqual({
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
    expect(statuses(await upgradeChecks(catalog, options(), '0.3.0')).rollouts).toBe('ok');
  });

  it('names the SCP statements 0.3.0 needs that the attached SCP lacks, and cannot check them in the management account', async () => {
    const older = documentedScps().map((c) => c.replace('"ssm:DeleteParameters",', ''));
    const scps = Promise.resolve(older.map((content) => ({ id: 'p-1', name: 'goldsmith', content })));
    const missing = await upgradeChecks(catalog, options({ scps }), '0.3.0');
    expect(missing.find((c) => c.name === 'service control policy for the upgrade')?.detail).toMatch(
      /^0\.3\.0 needs PointersOnlyByGoldsmith \(ssm:DeleteParameters\) in the SCP on 200000000001 or above it, absent/,
    );
    const management = await upgradeChecks(
      catalog,
      options({ standing: { ...MEMBER, account: MEMBER.management } }),
      '0.3.0',
    );
    expect(management.find((c) => c.name === 'service control policy for the upgrade')?.status).toBe('not checked');
  });

  it('refuses a pre-release without --pre-release, and reads no rollout when the stage runs the release', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '0.3.0' } });
    const checks = await upgradeChecks(catalog, options({ preRelease: false }), '0.3.1-dev');
    expect(statuses(checks)).toEqual({ 'pre-release': 'missing', 'upgrade steps': 'ok' });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
