import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { accessCatalog, buildLines, run, scenarioBetween } from './helpers.js';

/**
 * A catalog whose operator lives in a security account: the scenario's operator build is carried out (the stacks
 * name the role, its own account grants it the call), and a request the endpoint refuses is told in the timeline,
 * never dropped silently.
 */

const STRANGER = 'arn:aws:iam::210987654321:role/intruder';

const catalog = accessCatalog();

describe("a scenario's operator requests when the catalog's operator is in another account", () => {
  let result: SimulationResult;

  beforeAll(async () => {
    result = await run(
      catalog,
      scenarioBetween('2027-01-01T00:00:00Z', '2027-01-03T00:00:00Z', {
        events: [
          { at: '2027-01-01T10:00:00Z', kind: 'build', image: 'base', reason: 'first build' },
          { at: '2027-01-02T10:00:00Z', kind: 'operator', as: STRANGER, request: { action: 'build', image: 'base' } },
        ],
      }),
    );
  }, 600_000);

  it("builds for the scenario's build event, as the security account's operator", () => {
    expect(buildLines(result, 'base')).toEqual(['base 1.0.0/1 manual AVAILABLE']);
    expect(result.operator?.[0]).toMatchObject({ status: 200, response: { ok: true, action: 'build' } });
  });

  it('tells a refused request in the notes and the timeline: what was asked, by whom, and why not', () => {
    const refusal = `build refused (403): ${STRANGER.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/goldsmith-cli may not invoke the operator endpoint (IAM: Forbidden)`;
    expect(result.notes).toEqual([`2027-01-02T10:00:00.000Z ${refusal}`]);
    expect(result.timeline.filter((e) => e.kind === 'note').map((e) => e.text)).toEqual([
      expect.stringMatching(
        /^build refused \(403\): .*intruder.* may not invoke the operator endpoint \(IAM: Forbidden\)$/,
      ),
    ]);
  });
});
