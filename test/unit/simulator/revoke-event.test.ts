import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../local/simulator/cloud.js';
import { type ActionHandlers, runAction } from '../../../local/simulator/driver.js';
import { scenarioSchema } from '../../../local/simulator/scenario.js';

/** The operator request a scenario's `revoke` event sends, as the driver builds it. */
async function requestOf(extra: Record<string, unknown>): Promise<Record<string, unknown>> {
  const revoke = {
    at: '2027-01-05T00:00:00Z',
    kind: 'revoke',
    image: 'base',
    version: '1.0.0/1',
    reason: 'R',
    ...extra,
  };
  const window = { start: '2027-01-01T00:00:00Z', until: '2027-02-01T00:00:00Z' };
  const [event] = scenarioSchema.parse({ ...window, events: [revoke] }).events;
  if (!event) throw new Error('the scenario has no event');
  const sent: Record<string, unknown>[] = [];
  const handlers = { operator: async (request: Record<string, unknown>) => sent.push(request) };
  // The revoke event reads nothing of the cloud's fakes: it goes to the operator endpoint.
  const cloud = { installed: { fakes: { imagebuilder: {}, ssm: {} } } } as unknown as LocalCloud;
  await runAction(cloud, event, handlers as unknown as ActionHandlers);
  expect(sent).toHaveLength(1);
  return sent[0] ?? {};
}

describe("a scenario's revoke event", () => {
  it('consents to emptying a channel unless it says withdraw: false, when the endpoint refuses one that would', async () => {
    expect(await requestOf({})).toEqual({
      action: 'revoke',
      image: 'base',
      version: '1.0.0/1',
      reason: 'R',
      withdraw: true,
    });
    expect(await requestOf({ withdraw: true })).toMatchObject({ withdraw: true });
    expect(await requestOf({ withdraw: false })).not.toHaveProperty('withdraw');
  });
});
