import { describe, expect, it } from 'vitest';
import { deliveryCopies, LocalEventBus } from '../../../local/eventbridge/bus.js';
import { seededRandom } from '../../../local/fakes/common.js';
import { scenarioSchema } from '../../../local/simulator/scenario.js';

const never = () => {
  throw new Error('drew a number with no duplicate rate');
};
const event = { 'detail-type': 'Package Update', source: 'goldsmith.ci', detail: {} };
const rule = { name: 'packages', eventBusName: 'default', pattern: {}, targets: ['arn:fn:start-builds'] };

describe('duplicate deliveries', () => {
  it('delivers deliverEachEventTimes copies and draws nothing when there is no duplicate rate', () => {
    expect(deliveryCopies({ deliverEachEventTimes: 1 }, never)).toBe(1);
    expect(deliveryCopies({ deliverEachEventTimes: 3, duplicateRate: 0 }, never)).toBe(3);
  });

  it('repeats about duplicateRate of the deliveries once more, the same ones for the same seed', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 10_000 }, () =>
        deliveryCopies({ deliverEachEventTimes: 1, duplicateRate: 0.1 }, random),
      );
    };
    const copies = draw(4);
    const repeated = copies.filter((c) => c === 2).length;
    expect(copies.every((c) => c === 1 || c === 2)).toBe(true);
    expect(repeated).toBeGreaterThan(850);
    expect(repeated).toBeLessThan(1150);
    expect(draw(4)).toEqual(copies);
  });

  it('makes the local bus deliver a repeated event twice and count the copy as a duplicate', () => {
    const delivered: string[] = [];
    const bus = new LocalEventBus({
      rules: [rule],
      matches: () => true,
      deliver: (target) => delivered.push(target),
      faults: {
        copies: () => deliveryCopies({ deliverEachEventTimes: 1, duplicateRate: 1 }, () => 0.5),
        dropRate: 0,
        droppableSources: [],
      },
    });
    expect(bus.put(event)).toMatchObject({ delivered: 2, dropped: false });
    expect(delivered).toEqual(['arn:fn:start-builds', 'arn:fn:start-builds']);
    expect(bus.stats.duplicates).toBe(1);
  });

  it('takes duplicateRate in a scenario (default 0) and refuses one outside 0..1, naming the field', () => {
    const base = { start: '2027-01-01T00:00:00Z', until: '2027-02-01T00:00:00Z' };
    expect(scenarioSchema.parse(base).faults.duplicateRate).toBe(0);
    const bad = scenarioSchema.safeParse({ ...base, faults: { duplicateRate: 1.5 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['faults', 'duplicateRate']);
  });
});
