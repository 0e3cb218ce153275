import { describe, expect, it } from 'vitest';
import { auditDeadLetters, deadLetterBoundMs } from '../../../local/simulator/audit-dead-letters.js';
import type { DeadLetter } from '../../../local/simulator/invoke.js';

const HOUR = 3_600_000;
const END = Date.parse('2027-01-20T00:00:00Z');
const BOUND = deadLetterBoundMs('24h');
const target = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}0A1B2C3D`;
const sweep = { lifecycle: 'sweep' };
const revoked = { source: 'goldsmith', 'detail-type': 'Image Revoked', detail: { image: 'web', version: '1.0.0/1' } };

/** A dead letter `hoursBefore` the run's end. */
function letter(hoursBefore: number, event: unknown, error = 'TypeError', extra: Partial<DeadLetter> = {}): DeadLetter {
  return {
    at: new Date(END - hoursBefore * HOUR).toISOString(),
    target: target(event === sweep ? 'LifecycleSweep' : 'OnLifecycleRequest'),
    reason: `${error}: boom`,
    errorType: error,
    errorMessage: 'boom',
    event,
    requestId: 'r',
    ...extra,
  };
}

describe('the dead-letter audit', () => {
  it('bounds recovery by the retry horizon and the re-drive hour, and never under 25 hours', () => {
    expect(deadLetterBoundMs('24h')).toBe(25 * HOUR);
    expect(deadLetterBoundMs('1h')).toBe(25 * HOUR);
    expect(deadLetterBoundMs('3d')).toBe(73 * HOUR);
  });

  it('passes dead letters recovered within the bound, and fails one recovered later or never', () => {
    const recovered = (hours: number) => ({ recovered: { at: new Date(END - hours * HOUR).toISOString(), by: 'x' } });
    const result = auditDeadLetters(
      [letter(40, sweep, 'Error', recovered(30)), letter(60, sweep, 'Error', recovered(20)), letter(30, sweep)],
      END,
      BOUND,
    );
    expect(result.checks).toEqual({ 'dead-letters-recovered': 3 });
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^LifecycleSweep on the input \{"lifecycle":"sweep"\}, .*: recovered only at .*, later than the audit's bound of 25 hours$/,
      ),
      expect.stringMatching(/: not recovered within 25 hours$/),
    ]);
  });

  it("calls a young one recovering when a later delivery comes, and a one-off event's permanent failure a problem at once", () => {
    const result = auditDeadLetters(
      [letter(2, sweep, 'Error'), letter(2, revoked, 'ServiceUnavailable'), letter(2, revoked, 'TypeError')],
      END,
      BOUND,
    );
    expect(result.recovering).toHaveLength(2);
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^OnLifecycleRequest on goldsmith \/ Image Revoked \(web 1\.0\.0\/1\), .*nothing delivers it again/,
      ),
    ]);
  });

  it("counts an outside event refused by design as no failure, and the same refusal of Goldsmith's own event as one", () => {
    const malformed = letter(50, revoked, 'MalformedEventError', { outside: true });
    const own = letter(50, revoked, 'MalformedEventError');
    const crash = letter(50, revoked, 'TypeError', { outside: true });
    const result = auditDeadLetters([malformed, own, crash], END, BOUND);
    expect(result.checks['dead-letters-recovered']).toBe(2);
    expect(result.problems).toHaveLength(2);
  });
});
