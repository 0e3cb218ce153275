import { describe, expect, it } from 'vitest';
import { type BusEvent, type BusRule, LocalEventBus } from '../../../local/eventbridge/bus.js';
import { matchesPattern } from '../../../local/eventbridge/match.js';
import { EventBridgeFake } from '../../../local/eventbridge/service.js';

const HOME_BUS = 'arn:aws:events:us-east-1:123456789012:event-bus/default';
const finding = { 'detail-type': 'Inspector2 Finding', source: 'aws.inspector2', region: 'eu-west-1', detail: {} };
const pattern = { source: ['aws.inspector2'], 'detail-type': ['Inspector2 Finding'] };
const onFinding: BusRule = { name: 'FindingRule', eventBusName: 'default', pattern, targets: ['arn:fn:on-finding'] };
const forward: BusRule = {
  name: 'eu-west-1/forward',
  eventBusName: 'default',
  region: 'eu-west-1',
  pattern,
  targets: [HOME_BUS],
};

function busWith(rules: BusRule[]) {
  const delivered: { target: string; event: BusEvent }[] = [];
  const bus = new LocalEventBus({
    rules,
    matches: matchesPattern,
    deliver: (target, event) => delivered.push({ target, event }),
    homeRegion: 'us-east-1',
  });
  return { bus, delivered };
}

describe('the local bus: one default bus per Region', () => {
  it("an event on another Region's default bus reaches none of the home Region's rules", () => {
    const { bus, delivered } = busWith([onFinding]);
    expect(bus.put(finding, 'default', 'eu-west-1')).toMatchObject({ matched: [], delivered: 0 });
    expect(delivered).toEqual([]);
    // The same event on the home bus does.
    expect(bus.put(finding, 'default')).toMatchObject({ matched: ['FindingRule'], delivered: 1 });
  });

  it('a rule targeting the home bus carries the event there unchanged, its region still the origin', () => {
    const { bus, delivered } = busWith([onFinding, forward]);
    expect(bus.put(finding, 'default', 'eu-west-1')).toMatchObject({ matched: ['eu-west-1/forward'], delivered: 1 });
    expect(delivered).toEqual([{ target: 'arn:fn:on-finding', event: finding }]);
    expect(bus.stats).toMatchObject({ put: 2, delivered: 1 });
  });

  it('PutEvents puts on the named bus of the Region the call is made in', async () => {
    const puts: [string, string][] = [];
    const api = new EventBridgeFake(
      (_event, bus, region) => puts.push([bus, region]),
      () => 0,
    );
    await api.handle({
      service: 'events',
      action: 'PutEvents',
      region: 'eu-west-1',
      accountId: '123456789012',
      input: { Entries: [{ Source: 'app', DetailType: 'x', Detail: '{}' }] },
      body: undefined,
    });
    expect(puts).toEqual([['default', 'eu-west-1']]);
  });
});
