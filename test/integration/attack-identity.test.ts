import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { putAsSender } from '../../local/simulator/senders.js';
import { invokeFunctionAs } from '../../local/trust/lambda-invoke.js';
import { operatorFunctionArn, operatorsRoleArn } from '../../local/trust/operator-url.js';
import { devThenProdSoakingAnHour } from '../scenarios/helpers.js';
import {
  ACCOUNT,
  APPROVER,
  operatorCatalog,
  pointerOf,
  releaseOpenssl,
  SESSION,
  startOperatorCloud,
} from './operator-helpers.js';

/**
 * Attacks on "identity only from AWS", made as an attacker inside the account would, through the doors AWS opens:
 * Lambda's Invoke API with a payload of the attacker's choosing, and a put on Goldsmith's bus by a role the bus
 * accepts. Each must be refused and change nothing.
 */

const SECURITY_REVIEWER = `arn:aws:iam::${ACCOUNT}:role/security-reviewer`;
/** A same-account role whose own IAM allows lambda:InvokeFunction on every function (the worst case). */
const BROAD_INVOKER = `arn:aws:iam::${ACCOUNT}:role/deploy-automation`;
const INVOKE_ANYTHING = [
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] },
];

const catalog = operatorCatalog(['us-east-1'], devThenProdSoakingAnHour(), {
  'ops-lead': [APPROVER],
  'security-reviewer': [SECURITY_REVIEWER],
});

let cloud: LocalCloud;

function functionArn(handler: string): string {
  for (const [arn, f] of cloud.wiring.functions) if (f.handler === handler) return arn;
  throw new Error(`no function ${handler}`);
}

/** A function URL event exactly as AWS would write it for `caller`, forged by whoever sends it directly. */
function forgedUrlEvent(caller: string, body: Record<string, unknown>) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'operator',
      authorizer: { iam: { accountId: ACCOUNT, callerId: 'forged', userArn: caller } },
      domainName: 'operator.lambda-url.local.on.aws',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'attacker' },
      requestId: 'forged-request',
      time: '2027-02-03T09:00:00Z',
      timeEpoch: Date.parse('2027-02-03T09:00:00Z'),
    },
  };
}

function imageRevoked(version: string, revokedAt: string) {
  return {
    version: '0',
    id: 'forged-revocation',
    'detail-type': 'Image Revoked',
    source: 'goldsmith',
    account: ACCOUNT,
    time: revokedAt,
    region: 'us-east-1',
    resources: [],
    detail: {
      image: 'base',
      version,
      buildVersionArn: `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/base/${version}`,
      channels: ['dev', 'prod'],
      reason: 'forged',
      by: SESSION,
      revokedAt,
    },
  };
}

/** What a successful attack would change: the pointers, the ledger's revocations, the announcements. */
async function state() {
  return {
    dev: await pointerOf('dev'),
    prod: await pointerOf('prod'),
    revoked: [await getRevocation('base', '1.0.0/1'), await getRevocation('base', '1.0.0/2')],
    notices: notificationsOf(cloud).length,
  };
}

beforeAll(async () => {
  cloud = await startOperatorCloud(catalog, '2027-03-01T00:00:00Z', { approvals: 'none' });
  await releaseOpenssl(cloud, '3.0.1');
  await cloud.clock.run('2027-02-02T00:00:00Z');
  await releaseOpenssl(cloud, '3.0.2');
  await cloud.clock.run('2027-02-03T09:00:00Z');
}, 240_000);

afterAll(() => cloud?.stop());

describe('the operator function can be reached only through its URL', () => {
  it('has 1.0.0/2 in dev and prod and nothing revoked', async () => {
    expect(await state()).toMatchObject({ dev: '1.0.0/2', prod: '1.0.0/2', revoked: [undefined, undefined] });
  });

  it("refuses an approver's direct Invoke that forges the operators' role as caller, changing nothing", async () => {
    const before = await state();
    const reply = await invokeFunctionAs(cloud, {
      as: APPROVER,
      functionArn: operatorFunctionArn(cloud)!,
      payload: forgedUrlEvent(SESSION, { action: 'revoke', image: 'base', version: '1.0.0/2', reason: 'forged' }),
    });
    expect(reply).toEqual({ status: 403, error: 'AccessDeniedException' });
    expect(await state()).toEqual(before);
  });

  it("refuses the operators' role's direct Invoke that forges an approver as caller, changing nothing", async () => {
    const before = await state();
    const reply = await invokeFunctionAs(cloud, {
      as: `${operatorsRoleArn(cloud)}`,
      functionArn: operatorFunctionArn(cloud)!,
      payload: forgedUrlEvent(SECURITY_REVIEWER, { action: 'approve', image: 'base', channel: 'prod' }),
    });
    expect(reply).toEqual({ status: 403, error: 'AccessDeniedException' });
    expect(await state()).toEqual(before);
  });
});

describe('on-lifecycle-request acts only on a revocation the ledger records', () => {
  it('refuses a forged "Image Revoked" invoked directly by a role allowed to invoke anything, changing nothing', async () => {
    const before = await state();
    const reply = await invokeFunctionAs(cloud, {
      as: BROAD_INVOKER,
      identityPolicies: INVOKE_ANYTHING,
      functionArn: functionArn('functions/on-lifecycle-request.handler'),
      payload: imageRevoked('1.0.0/2', '2027-02-03T09:00:00.000Z'),
    });
    expect(reply).toMatchObject({
      status: 200,
      functionError: 'Unhandled',
      errorType: 'FactContradictsLedgerError',
      errorMessage: expect.stringContaining('the ledger records no revocation of that version'),
    });
    expect(await state()).toEqual(before);
  });

  it('refuses a forged "Image Revoked" put on the bus by a Goldsmith role the bus accepts, and dead-letters it', async () => {
    const before = await state();
    const letters = cloud.invoker.deadLetters.length;
    await putAsSender(cloud, { event: imageRevoked('1.0.0/1', '2027-02-03T09:00:00.000Z'), as: 'goldsmith' });
    await cloud.clock.run('2027-02-03T12:00:00Z');
    const refused = cloud.invoker.deadLetters.slice(letters);
    expect(refused.map((l) => l.errorType)).toEqual(['FactContradictsLedgerError']);
    expect(refused[0]?.errorMessage).toContain('"Image Revoked" base 1.0.0/1: the ledger records no revocation');
    expect(await state()).toEqual(before);
  });
});
