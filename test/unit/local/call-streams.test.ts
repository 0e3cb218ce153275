import { describe, expect, it } from 'vitest';
import { CallStreams } from '../../../local/fakes/call-streams.js';
import { seededRandom } from '../../../local/fakes/common.js';

/** The first `n` draws of a call named `identity`, started now on `streams`. */
function drawsOf(streams: CallStreams, identity: string, n = 3): number[] {
  return streams.run(() => {
    streams.name(identity);
    return Array.from({ length: n }, () => streams.random());
  });
}

describe('each call draws its faults from a stream of its own', () => {
  it('gives calls at one instant the same draws in whatever order they start', () => {
    const names = ['ec2:DescribeImages|us-east-1', 'ec2:DescribeImages|eu-west-1', 's3:PutObject|us-east-1'];
    const inOrder = new CallStreams(7, () => 1_000, seededRandom(7));
    const reversed = new CallStreams(7, () => 1_000, seededRandom(7));
    const forward = names.map((n) => drawsOf(inOrder, n));
    const backward = [...names].reverse().map((n) => drawsOf(reversed, n));
    expect([...backward].reverse()).toEqual(forward);
    expect(new Set(forward.map((d) => d[0])).size).toBe(3);
  });

  it('tells two calls with one identity at one instant apart, and the same call at another instant or seed', () => {
    const at = { now: 1_000 };
    const streams = new CallStreams(7, () => at.now, seededRandom(7));
    const first = drawsOf(streams, 'ssm:GetParameter|us-east-1');
    const second = drawsOf(streams, 'ssm:GetParameter|us-east-1');
    at.now = 2_000;
    const later = drawsOf(streams, 'ssm:GetParameter|us-east-1');
    const otherSeed = drawsOf(new CallStreams(8, () => 1_000, seededRandom(8)), 'ssm:GetParameter|us-east-1');
    expect(new Set([first, second, later, otherSeed].map((d) => d.join()))).toHaveProperty('size', 4);
    // The first call at an instant draws as it did before the instant saw any other.
    expect(drawsOf(new CallStreams(7, () => 1_000, seededRandom(7)), 'ssm:GetParameter|us-east-1')).toEqual(first);
  });

  it('keeps a call on its stream across its attempts, and draws outside a call from the fallback stream', () => {
    const streams = new CallStreams(3, () => 0, seededRandom(99));
    const [whole, renamed] = streams.run(() => {
      streams.name('sns:Publish|us-east-1');
      const a = streams.random();
      streams.name('sns:Publish|eu-west-1');
      return [
        [a, streams.random()],
        drawsOf(new CallStreams(3, () => 0, seededRandom(99)), 'sns:Publish|us-east-1', 2),
      ];
    });
    expect(whole).toEqual(renamed);
    const fallback = seededRandom(99);
    expect(streams.random()).toBe(fallback());
  });

  it('keeps the fault rates: a fifth of many calls draw below 0.2 first', () => {
    const streams = new CallStreams(1, () => 0, seededRandom(1));
    const calls = 20_000;
    let below = 0;
    for (let i = 0; i < calls; i++) if ((drawsOf(streams, `ec2:DescribeImages|${i}`, 1)[0] ?? 1) < 0.2) below++;
    expect(below / calls).toBeGreaterThan(0.19);
    expect(below / calls).toBeLessThan(0.21);
  });
});
