import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { breakdownOf, type CpuProfile, formatBreakdown, otherThreadsMs } from '../../../bench/breakdown.js';
import { withOriginalSources } from '../../../bench/profile.js';
import type { PhaseTime } from '../../../local/simulator/timing.js';

const ROOT = '/repo';
const file = (path: string) => pathToFileURL(join(ROOT, path)).href;
const lib = (path: string) => pathToFileURL(join('/deps/node_modules', path)).href;

/** Stacks from the root to the leaf, each a profile node's frame: [functionName, url]. */
const STACKS: Record<number, [string, string][]> = {
  2: [
    ['handler', file('functions/promotion/share.ts')],
    ['shareImage', file('core/sharing/plan.ts')],
  ],
  3: [
    ['handler', file('functions/promotion/share.ts')],
    ['send', lib('@smithy/core/dist/index.js')],
    ['answer', file('local/fakes/middleware.ts')],
    ['describeImages', file('local/fakes/ec2-describe.ts')],
  ],
  4: [['(garbage collector)', '']],
  5: [['resumed', file('aws/ec2.ts')]],
  6: [['deserialize', lib('@smithy/core/dist/index.js')]],
  7: [['route', file('local/eventbridge/bus.ts')]],
  8: [['step', lib('aws-local-stepfunctions/build/main.node.esm.js')]],
  9: [['(idle)', '']],
  10: [['put', lib('memdown/memdown.js')]],
  11: [
    ['deploy', file('local/fakes/stacksets-instances.ts')],
    ['grant', file('local/fakes/kms-grants.ts')],
  ],
  12: [
    ['auditConsistency', file('local/simulator/audit.ts')],
    ['read', file('core/ledger/items.ts')],
  ],
};

/** A profile whose nodes are STACKS (each its own chain under the root) and whose samples are `samples`. */
function profileOf(samples: [number, number][]): CpuProfile {
  const nodes: CpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', url: '' }, children: [] }];
  const leafOf = new Map<number, number>();
  let nextId = 100;
  for (const [leaf, frames] of Object.entries(STACKS)) {
    let parent = nodes[0] as CpuProfile['nodes'][number];
    for (const [index, [functionName, url]] of frames.entries()) {
      const id = index === frames.length - 1 ? Number(leaf) : nextId++;
      const node = { id, callFrame: { functionName, url }, children: [] as number[] };
      parent.children?.push(id);
      nodes.push(node);
      parent = node;
    }
    leafOf.set(Number(leaf), Number(leaf));
  }
  // Samples at 1 ms apart from 1,000,000 µs; the profile ends 1 ms after the last.
  const start = 1_000_000;
  return {
    nodes,
    startTime: start,
    endTime: start + samples.length * 1000,
    samples: samples.map(([node]) => node),
    timeDeltas: samples.map((_, i) => (i === 0 ? 0 : 1000)),
  };
}

const phase = (name: string, fromMs: number, toMs: number, cpuMs: number): PhaseTime => ({
  phase: name,
  wallMs: toMs - fromMs,
  cpuMs,
  startUs: 1_000_000 + fromMs * 1000,
  endUs: 1_000_000 + toMs * 1000,
});

describe("the bench's breakdown of where the time goes", () => {
  // 20 samples: 2 before the run (imports), the cloud's start 3, the run 11, the audit 3, 1 after it.
  const samples: [number, number][] = [
    [9, 0],
    [5, 0],
    [10, 0],
    [11, 0],
    [11, 0],
    [2, 0],
    [3, 0],
    [3, 0],
    [4, 0],
    [5, 0],
    [6, 0],
    [7, 0],
    [8, 0],
    [9, 0],
    [10, 0],
    [2, 0],
    [12, 0],
    [12, 0],
    [4, 0],
    [9, 0],
  ];
  const phases = [phase('start', 2, 5, 2.5), phase('run', 5, 16, 9), phase('audit', 16, 19, 2)];
  const breakdown = breakdownOf(profileOf(samples), phases, ROOT);

  it("names each phase with its wall and CPU time, and each phase's causes add up to no more than its wall time", () => {
    expect(breakdown.phases.map((p) => [p.phase, p.wallMs, p.cpuMs])).toEqual([
      ['start', 3, 2.5],
      ['run', 11, 9],
      ['audit', 3, 2],
    ]);
    for (const p of breakdown.phases) {
      const sum = p.causes.reduce((total, c) => total + c.ms, 0);
      expect(sum).toBeCloseTo(p.sampledMs, 6);
      expect(p.sampledMs).toBeLessThanOrEqual(p.wallMs);
    }
    const parts = breakdown.phases.reduce((total, p) => total + p.sampledMs, breakdown.outside.sampledMs);
    expect(parts).toBeCloseTo(breakdown.wholeMs, 6);
    expect(breakdown.wholeMs).toBe(20);
  });

  it('gives the handlers by function, the fakes by service and the simulator its own parts', () => {
    const run = Object.fromEntries(breakdown.phases[1]?.causes.map((c) => [c.cause, c.ms]) ?? []);
    expect(run).toEqual({
      // Core's code under a handler's frame, and the handler's own: the handler's.
      'handler promotion': 2,
      // The fake's frames under the SDK under the handler: the fake's.
      'fake ec2': 2,
      'garbage collection': 1,
      "handlers' shared code (core/, aws/) resumed after an await": 1,
      'AWS SDK (a request on its way, no caller on the stack)': 1,
      'event routing (EventBridge)': 1,
      'state machine interpreter': 1,
      'idle (the main thread waiting)': 1,
      'DynamoDB (dynalite)': 1,
    });
    const start = Object.fromEntries(breakdown.phases[0]?.causes.map((c) => [c.cause, c.ms]) ?? []);
    expect(start).toEqual({ 'DynamoDB (dynalite)': 1, "member baseline (StackSets' stack instances)": 2 });
    // Core's code the audit reads with is the audit's.
    expect(breakdown.phases[2]?.causes).toEqual([
      { cause: 'audit and report', ms: 2 },
      { cause: 'garbage collection', ms: 1 },
    ]);
    expect(breakdown.outside).toEqual({
      sampledMs: 3,
      causes: [
        { cause: "handlers' shared code (core/, aws/) resumed after an await", ms: 1 },
        { cause: 'idle (the main thread waiting)', ms: 2 },
      ].sort((a, b) => b.ms - a.ms),
    });
  });

  it('prints every phase, then its causes', () => {
    const text = formatBreakdown(breakdown).join('\n');
    expect(text).toMatch(/start +0\.0 s wall, 0\.0 s CPU/);
    for (const name of ['start', 'run', 'audit', 'outside the run']) expect(text).toMatch(new RegExp(`\n    ${name} `));
    expect(text).toContain('handler promotion');
    expect(formatBreakdown(null)).toEqual(['  where the time goes       not measured']);
  });

  it("says at least how much of a phase's CPU ran off the main thread: its CPU less the main thread's busy samples", () => {
    const measured = (cpuMs: number, sampledMs: number, idleMs: number) => ({
      phase: 'run',
      wallMs: sampledMs,
      cpuMs,
      sampledMs,
      causes: [
        { cause: 'DynamoDB (dynalite)', ms: sampledMs - idleMs },
        { cause: 'idle (the main thread waiting)', ms: idleMs },
      ],
    });
    // 34.6 s of CPU in all threads, 27.4 s sampled of which 0.2 s idle: 27.2 s busy on the main thread, 7.4 s off it.
    expect(otherThreadsMs(measured(34_600, 27_400, 200))).toBe(7_400);
    const text = formatBreakdown({
      wholeMs: 27_400,
      phases: [measured(34_600, 27_400, 200)],
      outside: { sampledMs: 0, causes: [] },
    }).join('\n');
    expect(text).toContain('34.6 s CPU (all threads; at least 7.4 s off the main thread');
    // The profile's run: 11 ms sampled, one of them idle and one the garbage collector's (busy: the main thread's own
    // CPU). With 9 ms of CPU the main thread waited, and the line says nothing can be measured, not 0.
    const run = breakdown.phases[1];
    expect(run?.phase).toBe('run');
    expect(run && otherThreadsMs(run)).toBeUndefined();
    expect(formatBreakdown(breakdown).join('\n')).toMatch(/run .*off the main thread not measurable/);
    // With 12 ms of CPU: 12 less the 10 busy samples, at least 2 ms off it.
    const busier = breakdownOf(profileOf(samples), [phase('run', 5, 16, 12)], ROOT).phases[0];
    expect(busier && otherThreadsMs(busier)).toBe(2);
  });

  it("names a bundle's frames by their original files through the bundle's source map", () => {
    const dir = mkdtempSync(join(tmpdir(), 'goldsmith-breakdown-'));
    try {
      const bundle = join(dir, 'main.mjs');
      writeFileSync(bundle, 'export const handler = () => 1;\n');
      // One segment: the bundle's line 0, column 0 is source 0's line 0, column 0.
      const source = file('functions/promotion/share.ts');
      writeFileSync(`${bundle}.map`, JSON.stringify({ version: 3, sources: [source], names: [], mappings: 'AAAA' }));
      const profile: CpuProfile = {
        nodes: [
          { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [2] },
          {
            id: 2,
            callFrame: { functionName: 'handler', url: pathToFileURL(bundle).href, lineNumber: 0, columnNumber: 0 },
          },
        ],
        startTime: 0,
        endTime: 1000,
        samples: [2],
        timeDeltas: [0],
      };
      const resolved = withOriginalSources(profile);
      expect(resolved.nodes[1]?.callFrame.url).toBe(source);
      expect(breakdownOf(resolved, [], ROOT).outside.causes).toEqual([{ cause: 'handler promotion', ms: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
