import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operatorUrlOutput } from '../../cli/operator/send.js';
import { OPERATOR_ACTIONS, OPERATOR_DOORS, operatorDoorOf } from '../../events/operator-request.js';
import type { OperatorUrlEvent } from '../../functions/operator/endpoint.js';
import { operatorEndpoint } from '../../functions/operator.js';
import { operatorRevokeEndpoint } from '../../functions/operator-revoke.js';
import { operatorRollbackEndpoint } from '../../functions/operator-rollback.js';
import { catalog } from './promotion-fixtures.js';

const OPERATORS_ROLE = 'arn:aws:iam::111122223333:role/goldsmith-test-operators';
const ALICE = 'arn:aws:sts::111122223333:assumed-role/goldsmith-test-operators/alice';

const request = (body: Record<string, unknown>): OperatorUrlEvent => ({
  body: JSON.stringify(body),
  requestContext: { requestId: 'req-1', http: { method: 'POST' }, authorizer: { iam: { userArn: ALICE } } },
});
const answer = async (reply: Promise<{ statusCode?: number; body?: string }>) => {
  const { statusCode, body } = await reply;
  return { status: statusCode, body: JSON.parse(String(body)) as { ok: boolean; error?: string } };
};

describe("the operator endpoint's doors", () => {
  beforeEach(() => {
    process.env.OPERATORS_ROLE_ARN = OPERATORS_ROLE;
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  });
  afterEach(() => {
    delete process.env.OPERATORS_ROLE_ARN;
    delete process.env.GOLDSMITH_CATALOG;
  });

  it('gives every action exactly one door, and the CLI reads that door’s URL output', () => {
    const doors = OPERATOR_ACTIONS.map((action) => [action, operatorDoorOf(action)] as const);
    expect(doors.filter(([, door]) => door === 'operator-revoke').map(([a]) => a)).toEqual([
      'revoke',
      'cancel-revocation',
    ]);
    expect(doors.filter(([, door]) => door === 'operator-rollback').map(([a]) => a)).toEqual(['rollback', 'restore']);
    expect(operatorUrlOutput({ action: 'revoke' })).toBe('OperatorRevokeUrl');
    expect(operatorUrlOutput({ action: 'restore' })).toBe('OperatorRollbackUrl');
    expect(operatorUrlOutput({ action: 'approve' })).toBe('OperatorUrl');
    expect(new Set(Object.values(OPERATOR_DOORS).map((d) => d.output)).size).toBe(3);
  });

  it("refuses an action sent to another door's URL with 421, naming the output to send it to, before reading anything", async () => {
    const revoke = { action: 'revoke', image: 'base', version: '1.0.0/1', reason: 'cve' };
    const front = await answer(operatorEndpoint(request(revoke)));
    expect(front.status).toBe(421);
    expect(front.body.error).toBe(
      "action: revoke is not carried out by the operator endpoint; send it to the URL in the Trust stack's output OperatorRevokeUrl (goldsmith revoke --stage STAGE picks it)",
    );
    const approve = await answer(
      operatorRevokeEndpoint(request({ action: 'approve', image: 'base', channel: 'prod' })),
    );
    expect(approve.status).toBe(421);
    expect(approve.body.error).toContain('output OperatorUrl');
    const rollback = await answer(
      operatorRevokeEndpoint(request({ action: 'rollback', image: 'base', channel: 'prod' })),
    );
    expect(rollback.body.error).toContain('output OperatorRollbackUrl');
    const cancel = await answer(
      operatorRollbackEndpoint(request({ action: 'cancel-revocation', image: 'base', version: '1.0.0/1' })),
    );
    expect(cancel.status).toBe(421);
    expect(cancel.body.error).toContain('output OperatorRevokeUrl');
  });

  it('still refuses a malformed request with 400 at any door', async () => {
    const reply = await answer(operatorRollbackEndpoint(request({ action: 'rollback', image: 'base' })));
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/^channel/);
  });
});
