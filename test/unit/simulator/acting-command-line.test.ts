import { describe, expect, it } from 'vitest';
import { actingCommandText, type OperatorExchange } from '../../../local/simulator/operator.js';

const exchange = (principal: string, status: number, response: OperatorExchange['response']): OperatorExchange => ({
  id: 'cli-3',
  at: '2027-01-19T10:00:00.000Z',
  principal,
  request: {},
  status,
  response,
});

describe("the timeline's line for an acting command on a saved cloud", () => {
  it('names what was asked, as whom, and that the endpoint did it', () => {
    const request = { action: 'approve', image: 'os', version: '1.0.0/1', channel: 'prod', reason: 'CHG-1' };
    const line = actingCommandText(
      request,
      exchange('arn:aws:sts::123456789012:assumed-role/ops-lead/goldsmith-cli', 200, { ok: true }),
    );
    expect(line).toBe('goldsmith approve os 1.0.0/1 prod as ops-lead (operator endpoint, 200): done');
  });

  it("names an operator by the session's name and says why a request was refused", () => {
    const line = actingCommandText(
      { action: 'build', image: 'os' },
      exchange('arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/platform-engineer', 409, {
        ok: false,
        error: 'builds of os are paused',
      }),
    );
    expect(line).toBe(
      'goldsmith build os as platform-engineer (operator endpoint, 409): refused: builds of os are paused',
    );
  });
});
