import { describe, expect, it } from 'vitest';
import type { TimedCall } from '../../../local/fakes/middleware.js';
import { sharingWaves, waveLowerBoundSeconds } from '../../../local/simulator/sharing-figures.js';

const at = (seconds: number) => Date.UTC(2027, 0, 15, 4) + seconds * 1000;
const call = (region: string, action: string, start: number, end = start): TimedCall => ({
  region,
  action,
  startMs: at(start),
  endMs: at(end),
});

describe('sharing waves', () => {
  it('groups calls that follow each other within a minute and splits at a longer pause', () => {
    const waves = sharingWaves([
      call('eu-west-1', 'ModifyImageAttribute', 30, 31),
      call('us-east-1', 'DescribeImageAttribute', 0, 1),
      call('us-east-1', 'ModifyImageAttribute', 1, 2),
      call('us-east-1', 'DescribeImageAttribute', 3 * 3600),
    ]);
    expect(waves.map((w) => w.length)).toEqual([3, 1]);
    expect(waves[0]!.map((c) => c.region)).toEqual(['us-east-1', 'us-east-1', 'eu-west-1']);
  });

  it("needs no time while every region's calls fit its buckets' burst", () => {
    const calls = Array.from({ length: 100 }, (_, i) => call('us-east-1', 'ModifyImageAttribute', i / 100));
    expect(waveLowerBoundSeconds(calls)).toBe(0);
  });

  it("needs the calls beyond the burst at the bucket's refill rate, the busiest region and bucket deciding", () => {
    // ModifyImageAttribute: 100 burst, 5 a second (EC2's documented bucket, local/throttle.ts).
    const busy = Array.from({ length: 150 }, () => call('us-east-1', 'ModifyImageAttribute', 0));
    // DescribeImageAttribute (non-mutating): 100 burst, 20 a second.
    const reads = Array.from({ length: 300 }, () => call('eu-west-1', 'DescribeImageAttribute', 0));
    expect(waveLowerBoundSeconds([...busy, ...reads])).toBe(10);
    expect(waveLowerBoundSeconds(reads)).toBe(10);
    expect(waveLowerBoundSeconds(busy.slice(0, 120))).toBe(4);
  });
});
