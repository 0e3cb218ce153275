import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import { loadedBuild } from '../../aws/promotion/promotion-facts.js';
import { getOutcome } from '../../aws/promotion/promotion-ledger.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { invokeFunctionAs } from '../../local/trust/lambda-invoke.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { devChannel, OPS_LEAD_APPROVAL, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, APPROVER, operatorCatalog, releaseOpenssl, startOperatorCloud } from './operator-helpers.js';

/**
 * The attack (a factory role allowed lambda:InvokeFunction on *): run prod's soak ahead of its approval, so that the
 * moment the approver approves, Share and Publish promote into prod with no soak after the approval. The catalog's
 * order is Gate, approval, soak: SoakStart refuses to start a soak the approver has not approved, and Share and
 * Publish refuse a soak that began before the approval (core/promotion/preconditions.ts).
 */

const BROAD_INVOKER = `arn:aws:iam::${ACCOUNT}:role/deploy-automation`;
const INVOKE_ANYTHING = [
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] },
];

const catalog = operatorCatalog(
  ['us-east-1'],
  [devChannel(), prodChannel({ approval: OPS_LEAD_APPROVAL, soak: '6h' })],
  { 'ops-lead': [APPROVER] },
);

let cloud: LocalCloud;
let buildVersionArn: string;

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
const ref = () => ({ image: 'base', version: '1.0.0/1', buildVersionArn, channel: { name: 'prod' } });

beforeAll(async () => {
  cloud = await startOperatorCloud(catalog, '2027-03-01T00:00:00Z', { approvals: 'none' });
  await releaseOpenssl(cloud, '3.0.1');
  await cloud.clock.run('2027-02-02T00:00:00Z');
  const loaded = await loadedBuild('base', '1.0.0/1');
  if (!loaded) throw new Error('1.0.0/1 was not loaded');
  buildVersionArn = loaded.buildVersionArn;
}, 240_000);

afterAll(() => cloud?.stop());

describe('a soak run ahead of the approval', () => {
  it('is refused: no soak starts before the approval, and prod is not promoted the moment the approver approves', async () => {
    expect((await getChannelPointer('base', 'dev'))?.version).toBe('1.0.0/1');
    expect((await getApproval('base', '1.0.0/1', 'prod'))?.decision).toBeUndefined();

    // Before any approval: the attacker tries to start prod's soak with a token of their own.
    const started = await invoke('soak-start', {
      taskToken: 'attacker',
      image: 'base',
      version: '1.0.0/1',
      channel: 'prod',
    });
    expect(started).toMatchObject({
      errorType: 'PreconditionsUnmet',
      errorMessage: expect.stringContaining('no approver has approved 1.0.0/1 for prod'),
    });
    await cloud.clock.run(new Date(cloud.clock.now() + 7 * 3_600_000).toISOString());
    expect(await invoke('soak-check', ref())).toMatchObject({ errorType: 'PreconditionsUnmet' });

    // The local engine runs the next state (SoakStart) inside SendTaskSuccess; in AWS it runs a Lambda invocation
    // later (longer while Step Functions is unavailable). Hold the answer back so the attacker's invocations land in
    // that window, as they could in AWS.
    const engine = cloud.sfn as unknown as { sendTaskSuccess: (token: string, output: string) => void };
    const original = engine.sendTaskSuccess.bind(engine);
    const held: (() => void)[] = [];
    engine.sendTaskSuccess = (token, output) => {
      held.push(() => original(token, output));
    };
    const approve = await invokeOperatorUrl(cloud, {
      as: APPROVER,
      body: { action: 'approve', image: 'base', channel: 'prod' },
    });
    expect(approve.status).toBe(200);
    // Right behind the approval: a soak started now cannot have ended, and Share and Publish are refused.
    await invoke('soak-start', { taskToken: 'attacker', image: 'base', version: '1.0.0/1', channel: 'prod' });
    expect(await invoke('soak-check', ref())).toMatchObject({ errorType: 'PreconditionsUnmet' });
    expect(await invoke('share', ref())).toMatchObject({ errorType: 'PreconditionsUnmet' });
    expect(await invoke('publish', ref())).toMatchObject({ errorType: 'PreconditionsUnmet' });
    expect(await getOutcome('base', '1.0.0/1', 'prod')).toBeUndefined();
    expect(await getChannelPointer('base', 'prod')).toBeUndefined();
    engine.sendTaskSuccess = original;
    for (const deliver of held) deliver();

    // The promotion goes on as the catalog says: prod six hours after the approval.
    await cloud.clock.run(new Date(cloud.clock.now() + 5 * 3_600_000).toISOString());
    expect(await getChannelPointer('base', 'prod')).toBeUndefined();
    await cloud.clock.run(new Date(cloud.clock.now() + 2 * 3_600_000).toISOString());
    expect((await getChannelPointer('base', 'prod'))?.version).toBe('1.0.0/1');
  }, 240_000);
});
