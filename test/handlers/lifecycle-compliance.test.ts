import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { UsageItem } from '../../aws/fleet/usage-ledger.js';
import { measureCompliance } from '../../functions/lifecycle/compliance.js';
import type { ImageState } from '../../functions/lifecycle/ledger-view.js';
import { applyRetention } from '../../functions/lifecycle/retention.js';
import { forgetOrganization, organizationForOnePass } from '../../functions/sharing/channel-targets.js';
import { build, ledger, promoted, useLifecycleWorld } from './lifecycle-fixtures.js';
import { basePlan } from './promotion-fixtures.js';

const ROOT = 'r-a1b2';
const DEV_OU = 'ou-x1y2-dev00001';
const ouArn = (id: string) => `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${id}`;
const SAMPLE = '2027-03-14T00:00:00.000Z';
const NOW = new Date('2027-03-15T00:00:00Z');

const { ddb, org } = useLifecycleWorld(() => {
  forgetOrganization();
  org.on(DescribeOrganizationCommand).resolves({
    Organization: { Id: 'o-a1b2c3d4e5', Arn: 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5' },
  });
  org.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  org
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: ROOT })
    .resolves({ OrganizationalUnits: [{ Id: DEV_OU, Arn: ouArn(DEV_OU), Name: 'Dev' }] });
  org.on(ListOrganizationalUnitsForParentCommand, { ParentId: DEV_OU }).resolves({ OrganizationalUnits: [] });
  org.on(ListAccountsForParentCommand, { ParentId: ROOT }).resolves({ Accounts: [] });
  org.on(ListAccountsForParentCommand, { ParentId: DEV_OU }).resolves({
    Accounts: ['200000000001', '200000000002'].map((Id) => ({ Id, State: 'ACTIVE' })),
  });
});

/** March's patch build (requested on the 11th) in dev since the 12th; 1.0.0/1 before it. */
const state = {
  builds: [
    { ...build('1.0.0/1'), version: '1.0.0/1', requestedAt: '2027-02-11T03:00:00.000Z' },
    { ...build('1.0.0/2'), version: '1.0.0/2', requestedAt: '2027-03-11T03:00:00.000Z' },
  ],
  view: {
    builds: [],
    outcomes: [
      { ...promoted('1.0.0/1', 'dev', '2027-02-12T00:00:00.000Z', 1), image: 'base', reason: '' },
      { ...promoted('1.0.0/2', 'dev', '2027-03-12T00:00:00.000Z', 2), image: 'base', reason: '' },
    ],
    revocations: [],
  },
  histories: [],
  pointers: {},
} as unknown as ImageState;

const usage = (version: string, accounts: Record<string, number>): UsageItem => ({
  sk: `USAGE#${version}#us-east-1`,
  image: 'base',
  version,
  region: 'us-east-1',
  imageId: 'ami-01111111111111111',
  observedAt: NOW.toISOString(),
  lastRequestedAt: SAMPLE,
  accounts: Object.fromEntries(Object.entries(accounts).map(([a, n]) => [a, { instances: n, launchTemplates: 1 }])),
});

describe("the sweep's compliance pass", () => {
  it("records an OU's thresholds at the sample that shows them, and nothing again once recorded", async () => {
    const seen = [usage('1.0.0/2', { '200000000001': 9 }), usage('1.0.0/1', { '200000000002': 1 })];
    const first = await measureCompliance(basePlan, state, seen, NOW);
    // March's cycle (90 % on 1.0.0/2); February's 1.0.0/1 was dev's first version, a rollout that starts no cycle.
    expect(first.written).toBe(1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'COMPLIANCE', sk: `CYCLE#2027-03#base#dev#${DEV_OU}` },
      UpdateExpression: expect.stringContaining('reached90At = if_not_exists(reached90At, :reached90At)'),
      ExpressionAttributeValues: expect.objectContaining({
        ':reached50At': SAMPLE,
        ':reached90At': SAMPLE,
        ':patched': 9,
        ':instances': 10,
        ':startedAt': '2027-03-09T00:00:00.000Z',
      }),
    });
    // A re-run (a retried sweep) finds it recorded and writes nothing.
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'COMPLIANCE', ':prefix': 'CYCLE#2027-03#base#' } })
      .resolves({
        Items: [
          { cycle: '2027-03', image: 'base', channel: 'dev', ou: DEV_OU, reached50At: SAMPLE, reached90At: SAMPLE },
        ],
      });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'COMPLIANCE', ':prefix': 'CYCLE#2027-02#base#' } })
      .resolves({
        Items: [
          {
            cycle: '2027-02',
            image: 'base',
            channel: 'dev',
            ou: DEV_OU,
            reached50At: SAMPLE,
            reached90At: SAMPLE,
            reached100At: SAMPLE,
          },
        ],
      });
    ddb.resetHistory();
    expect(await measureCompliance(basePlan, state, seen, NOW)).toEqual({ written: 0, onRevoked: 0 });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('counts instances last seen on a revoked version, and reads no organization when nobody runs the image', async () => {
    const revokedState = {
      ...state,
      view: { ...state.view, revocations: [{ version: '1.0.0/1', state: 'revoked' }] },
    } as unknown as ImageState;
    const stale = { ...usage('1.0.0/1', { '200000000002': 3 }), lastRequestedAt: '2027-03-01T00:00:00.000Z' };
    expect((await measureCompliance(basePlan, revokedState, [stale], NOW)).onRevoked).toBe(3);
    org.resetHistory();
    expect(await measureCompliance(basePlan, state, [usage('1.0.0/2', {})], NOW)).toEqual({ written: 0, onRevoked: 0 });
    expect(org).not.toHaveReceivedCommand(ListRootsCommand);
  });

  describe('the organization it measures against', () => {
    const seen = [usage('1.0.0/2', { '200000000001': 9 }), usage('1.0.0/1', { '200000000002': 1 })];
    const stateReads = () =>
      ddb
        .commandCalls(GetCommand)
        .filter((c) => c.args[0].input.Key?.pk === 'ORG' && c.args[0].input.Key.sk === 'STATE').length;

    it("is read once per pass: the channels' accounts and the accounts' OUs come from the same read", async () => {
      ddb.resetHistory();
      expect((await measureCompliance(basePlan, state, seen, NOW)).written).toBe(1);
      expect(stateReads()).toBe(1);
    });

    it("is read once for all the images of a sweep that passes its reader on (each image's result the same)", async () => {
      const alone = await measureCompliance(basePlan, state, seen, NOW);
      const organization = organizationForOnePass();
      ddb.resetHistory();
      const first = await measureCompliance(basePlan, state, seen, NOW, undefined, organization);
      const second = await measureCompliance({ ...basePlan, image: 'hardened' }, state, seen, NOW, [], organization);
      expect(first).toEqual(alone);
      expect(second).toEqual(alone);
      expect(stateReads()).toBe(1);
    });
  });

  it('never holds up retention: an organization that cannot be read leaves the pass unmeasured, retention done', async () => {
    ledger({
      builds: [
        build('1.0.0/1', { requestedAt: '2027-02-11T03:00:00.000Z' }),
        build('1.0.0/2', { requestedAt: '2027-03-11T03:00:00.000Z' }),
      ],
      outcomes: [
        promoted('1.0.0/1', 'dev', '2027-02-12T00:00:00.000Z', 1),
        promoted('1.0.0/2', 'dev', '2027-03-12T00:00:00.000Z', 2),
      ],
      pointers: { dev: '1.0.0/2' },
    });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'USAGE#' } })
      .resolves({ Items: [usage('1.0.0/2', { '200000000001': 4 })] });
    org.on(ListRootsCommand).rejects(new Error('AccessDeniedException'));
    const result = await applyRetention({ plan: basePlan, children: [], now: NOW });
    expect(result).toMatchObject({ image: 'base', retired: [], deleted: [] });
    expect(result.compliance).toBeUndefined();
  });
});
