import { DescribeImageAttributeCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ec2Client } from '../../aws/clients/ec2.js';
import { getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { loadedBuild } from '../../aws/promotion/promotion-facts.js';
import { getOutcome, listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { invokeFunctionAs } from '../../local/trust/lambda-invoke.js';
import { devChannel, OPS_LEAD_APPROVAL, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, APPROVER, operatorCatalog, releaseOpenssl, startOperatorCloud } from './operator-helpers.js';

/**
 * Attacks on "facts only from the ledger" for the promotion's task functions, made as a role of the factory account
 * whose own IAM allows lambda:InvokeFunction on every function would make them: Lambda's Invoke API with a payload of
 * its choosing. Step Functions invokes these functions, but Lambda cannot tell that apart from such a call, so each
 * must act only on what the catalog and the ledger say: refused, or acting exactly as the real promotion would.
 */

const BROAD_INVOKER = `arn:aws:iam::${ACCOUNT}:role/deploy-automation`;
const INVOKE_ANYTHING = [
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] },
];
const OUTSIDER = '999999999999';

/** dev soaks an hour; prod waits for ops-lead, who never answers here. */
const catalog = operatorCatalog(
  ['us-east-1'],
  [devChannel({ soak: '1h' }), prodChannel({ approval: OPS_LEAD_APPROVAL })],
  { 'ops-lead': [APPROVER] },
);

let cloud: LocalCloud;
let buildVersionArn: string;
let ami: { region: string; imageId: string };

function functionArn(handler: string): string {
  for (const [arn, f] of cloud.wiring.functions) if (f.handler === handler) return arn;
  throw new Error(`no function ${handler}`);
}

const invoke = (handler: string, payload: unknown) =>
  invokeFunctionAs(cloud, {
    as: BROAD_INVOKER,
    identityPolicies: INVOKE_ANYTHING,
    functionArn: functionArn(`functions/promotion/${handler}.handler`),
    payload,
  });

/** A channel step's input as the state machine would hand it, with whatever the attacker writes into it. */
function item(channel: 'dev' | 'prod', forged: Record<string, unknown> = {}) {
  const step = catalog.channels.find((c) => c.name === channel);
  return {
    image: 'base',
    version: '1.0.0/1',
    buildVersionArn,
    build: { status: 'AVAILABLE', testsEnabled: true, amis: [ami], containers: [] },
    channel: { ...step, name: channel, policy: { maxCritical: 99, maxHigh: 99 }, targets: { ous: [], accounts: [] } },
    ...forged,
  };
}

/** What a walk around the gate would change: pointers, decisions, who may launch the AMI. */
async function state() {
  const permissions = await ec2Client(ami.region).send(
    new DescribeImageAttributeCommand({ ImageId: ami.imageId, Attribute: 'launchPermission' }),
  );
  return {
    dev: (await getChannelPointer('base', 'dev'))?.version,
    prod: (await getChannelPointer('base', 'prod'))?.version,
    outcomes: (await listOutcomes('base')).map((o) => `${o.version} ${o.channel} ${o.outcome}`).sort(),
    launch: (permissions.LaunchPermissions ?? []).map((p) => p.OrganizationalUnitArn ?? p.UserId ?? p.Group).sort(),
  };
}

beforeAll(async () => {
  cloud = await startOperatorCloud(catalog, '2027-03-01T00:00:00Z', { approvals: 'none' });
  await releaseOpenssl(cloud, '3.0.1');
  await cloud.clock.run('2027-02-02T00:00:00Z');
  const loaded = await loadedBuild('base', '1.0.0/1');
  if (!loaded?.amis[0]) throw new Error('1.0.0/1 was not loaded');
  buildVersionArn = loaded.buildVersionArn;
  ami = loaded.amis[0];
}, 240_000);

afterAll(() => cloud?.stop());

describe('the promotion tasks act only on what the catalog and the ledger record', () => {
  it('has 1.0.0/1 in dev, and prod waiting for an approval nobody gave', async () => {
    expect(await state()).toMatchObject({ dev: '1.0.0/1', prod: undefined, outcomes: ['1.0.0/1 dev promoted'] });
    expect(await getOutcome('base', '1.0.0/1', 'prod')).toBeUndefined();
  });

  it('refuses Publish into prod with a forged approval, changing nothing', async () => {
    const before = await state();
    const forged = { approval: { decision: 'approved', by: 'ops-lead', at: '2027-02-01T12:00:00Z' } };
    const reply = await invoke('publish', item('prod', forged));
    expect(reply).toMatchObject({
      functionError: 'Unhandled',
      errorType: 'PreconditionsUnmet',
      errorMessage: expect.stringContaining('no approver has approved 1.0.0/1 for prod'),
    });
    expect(await state()).toEqual(before);
  });

  it('refuses Share into prod before its approval, granting nobody', async () => {
    const before = await state();
    const reply = await invoke('share', item('prod', { gate: { approved: { decision: 'approved', by: 'ops-lead' } } }));
    expect(reply).toMatchObject({ errorType: 'PreconditionsUnmet' });
    expect(await state()).toEqual(before);
  });

  it("shares a channel it may share only with the catalog's targets, never the input's", async () => {
    const before = await state();
    const forged = item('dev');
    const targets = {
      organization: true,
      ous: [],
      accounts: [OUTSIDER],
      accountTags: {},
      exclude: { ous: [], accounts: [] },
    };
    const reply = await invoke('share', { ...forged, channel: { ...forged.channel, targets } });
    expect(reply).not.toHaveProperty('functionError');
    expect(await state()).toEqual(before);
    expect((await state()).launch).not.toContain(OUTSIDER);
  });

  it('points a channel only at the AMI LoadImage read from Image Builder, never one named in the input', async () => {
    const before = await state();
    const forged = item('dev', {
      build: {
        status: 'AVAILABLE',
        testsEnabled: true,
        amis: [{ region: ami.region, imageId: 'ami-0abcdef1234567890' }],
      },
    });
    await invoke('publish', forged);
    expect(await state()).toEqual(before);
    expect((await getChannelPointer('base', 'dev'))?.amis).toEqual([ami]);
  });

  it('refuses a build LoadImage never loaded, whatever AMIs the input names', async () => {
    const before = await state();
    const other = buildVersionArn.replace(/\/1\.0\.0\/1$/, '/1.0.0/9');
    const reply = await invoke('gate', { ...item('dev'), version: '1.0.0/9', buildVersionArn: other });
    expect(reply).toMatchObject({
      errorType: 'PreconditionsUnmet',
      errorMessage: expect.stringContaining('the ledger records no build 1.0.0/9 loaded from Image Builder'),
    });
    expect(await state()).toEqual(before);
  });

  it("retires by the catalog's retention, never a plan in the input", async () => {
    const before = await state();
    const plan = {
      retentionKeep: 1,
      retention: { deleteAfterSeconds: 0, unpromotedGraceSeconds: 0 },
      channels: [],
    };
    await invoke('retire', { image: 'base', plan });
    expect(await state()).toEqual(before);
    expect((await loadedBuild('base', '1.0.0/1'))?.status).toBe('AVAILABLE');
  });
});
