import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import {
  al2023Image,
  buildLines,
  devChannel,
  OPENSSL_RELEASES,
  opensslRelease,
  orgCatalog,
  run,
  scenarioBetween,
} from './helpers.js';

// An image rebuilt on every openssl release, with the default breaker: three failed builds in a row pause it.
const catalog = orgCatalog({ base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) }, [
  devChannel(),
]);
const resumeBuilds = (at: string) => ({ at, kind: 'operator', request: { action: 'resume-builds', image: 'base' } });

describe('the build circuit breaker: an image whose builds fail three times in a row stops building', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    result = await run(
      catalog,
      scenarioBetween('2027-01-01T00:00:00Z', '2027-01-09T00:00:00Z', {
        events: [
          { at: '2027-01-01T00:00:00Z', kind: 'build-fails', image: 'base', reason: 'component base failed', count: 3 },
          opensslRelease('2027-01-02T10:00:00Z', '3.0.1'),
          opensslRelease('2027-01-03T10:00:00Z', '3.0.2'),
          opensslRelease('2027-01-04T10:00:00Z', '3.0.3'),
          // Paused: this release starts nothing.
          opensslRelease('2027-01-05T10:00:00Z', '3.0.4'),
          // Paused: an operator's build is refused, saying why.
          {
            at: '2027-01-05T12:00:00Z',
            kind: 'operator',
            request: { action: 'build', image: 'base', reason: 'try again' },
          },
          resumeBuilds('2027-01-06T10:00:00Z'),
          // Nothing is paused any more: refused, changing nothing.
          resumeBuilds('2027-01-06T11:00:00Z'),
          opensslRelease('2027-01-07T10:00:00Z', '3.0.5'),
        ],
      }),
    );
  }, 600_000);

  it('starts no build for the release after the third failure, and builds again once resumed', () => {
    expect(buildLines(result, 'base')).toEqual([
      'base 1.0.0/1 package FAILED',
      'base 1.0.0/2 package FAILED',
      'base 1.0.0/3 package FAILED',
      'base 1.0.0/4 package AVAILABLE',
    ]);
    expect(result.report.builds.find((b) => b.version === '1.0.0/4')?.requestedAt).toBe('2027-01-07T10:00:00.000Z');
    expect(result.report.apiCalls['imagebuilder:StartImagePipelineExecution']).toBe(4);
  });

  it('announces the pause once, and says why the paused release was skipped', () => {
    const events = result.report.notifications.filter((n) => n.image === 'base').map((n) => n.event);
    expect(events.filter((e) => e === 'builds-paused')).toHaveLength(1);
    const paused = result.report.notifications.find((n) => n.event === 'builds-paused');
    // Announced when the third failure was handled, not later (nor by the next trigger).
    expect(Date.parse(paused?.at ?? '')).toBe(
      Date.parse(result.report.builds.find((b) => b.version === '1.0.0/3')?.finishedAt ?? ''),
    );
    expect(paused?.subject).toContain('base: builds paused after 3 failed builds in a row');
    expect(events).toContain('build-skipped');
  });

  it('refuses an operator build while paused, saying why, and resumes through the operator endpoint once', () => {
    const answers = (result.operator ?? []).map((x) => ({ status: x.status, ...x.response }));
    expect(answers.shift()).toEqual({
      status: 409,
      ok: false,
      error: expect.stringMatching(/^base: builds paused: the last 3 builds failed in a row .* --builds$/),
    });
    expect(answers[0]).toMatchObject({
      status: 200,
      ok: true,
      action: 'resume-builds',
      result: { image: 'base', failedBuilds: ['1.0.0/1', '1.0.0/2', '1.0.0/3'] },
    });
    expect(answers[1]).toEqual({
      status: 409,
      ok: false,
      error: expect.stringMatching(/^the builds of base are not paused: nothing to resume \(last resumed /),
    });
  });
});
