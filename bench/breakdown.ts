import type { PhaseTime } from '../local/simulator/timing.js';
import { IDLE, stackCause } from './profile-causes.js';

/** The parts of a V8 CPU profile (`Profiler.stop`, a `.cpuprofile` file) the breakdown reads; times in µs. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber?: number; columnNumber?: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One cause's share of a phase: the main thread's sampled milliseconds. */
export interface CauseTime {
  cause: string;
  ms: number;
}

/** A phase of the run (`run.phases`) with its causes. */
export interface PhaseBreakdown {
  phase: string;
  wallMs: number;
  cpuMs: number;
  /** The main thread's sampled time inside the phase, split by cause, largest first; sums to `sampledMs`. */
  sampledMs: number;
  causes: CauseTime[];
}

/**
 * Where a run's time went: each phase of `run.phases` (wall and CPU as the run measured them) with the profile's
 * samples inside it split by cause, and what the profile saw outside every phase (Node's start, the imports, the
 * bench's own work). Every sample is counted once, clipped to the phase it falls in: the causes of a phase add up
 * to its sampled time, which is at most its wall time, and the phases add up to at most the profile's whole.
 */
export interface Breakdown {
  /** The profile's span, ms. */
  wholeMs: number;
  phases: PhaseBreakdown[];
  outside: { sampledMs: number; causes: CauseTime[] };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Each profile node's cause, from its stack (the node and its parents, leaf first). */
function causesOfNodes(profile: CpuProfile, root: string): Map<number, string> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const causes = new Map<number, string>();
  for (const node of profile.nodes) {
    const frames: { functionName: string; url: string }[] = [];
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (frame) frames.push(frame);
    }
    causes.set(node.id, stackCause(frames, root));
  }
  return causes;
}

/** `totals` as causes, largest first. */
function sorted(totals: Map<string, number>): CauseTime[] {
  return [...totals]
    .map(([cause, ms]) => ({ cause, ms }))
    .sort((a, b) => b.ms - a.ms || a.cause.localeCompare(b.cause));
}

/** The breakdown of `profile` over `phases` (non-overlapping, on the profile's clock). */
export function breakdownOf(profile: CpuProfile, phases: readonly PhaseTime[], root: string): Breakdown {
  const causeOf = causesOfNodes(profile, root);
  const windows = [...phases].sort((a, b) => a.startUs - b.startUs);
  const perPhase = windows.map(() => new Map<string, number>());
  const outside = new Map<string, number>();
  const add = (totals: Map<string, number>, cause: string, us: number) => {
    if (us > 0) totals.set(cause, (totals.get(cause) ?? 0) + us / 1000);
  };
  let t = profile.startTime;
  const times = profile.timeDeltas.map((delta) => {
    t += delta;
    return t;
  });
  for (const [i, node] of profile.samples.entries()) {
    const from = Math.max(profile.startTime, times[i] ?? profile.startTime);
    const to = Math.min(profile.endTime, times[i + 1] ?? profile.endTime);
    if (to <= from) continue;
    const cause = causeOf.get(node) ?? 'unknown';
    let inside = 0;
    for (const [w, window] of windows.entries()) {
      const overlap = Math.min(to, window.endUs) - Math.max(from, window.startUs);
      if (overlap <= 0) continue;
      add(perPhase[w] as Map<string, number>, cause, overlap);
      inside += overlap;
    }
    add(outside, cause, to - from - inside);
  }
  const total = (causes: CauseTime[]) => round(causes.reduce((sum, c) => sum + c.ms, 0));
  const rounded = (totals: Map<string, number>) => sorted(totals).map((c) => ({ ...c, ms: round(c.ms) }));
  return {
    wholeMs: round((profile.endTime - profile.startTime) / 1000),
    phases: windows.map((w, i) => {
      const causes = rounded(perPhase[i] as Map<string, number>);
      return { phase: w.phase, wallMs: w.wallMs, cpuMs: w.cpuMs, sampledMs: total(causes), causes };
    }),
    outside: { sampledMs: total(rounded(outside)), causes: rounded(outside) },
  };
}

/** How many causes each phase prints; the rest are summed on one line. */
const CAUSES_PRINTED = 14;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function causeLines(causes: readonly CauseTime[], sampledMs: number): string[] {
  const shown = causes.slice(0, CAUSES_PRINTED);
  const rest = causes.slice(CAUSES_PRINTED).reduce((sum, c) => sum + c.ms, 0);
  const share = (ms: number) => (sampledMs > 0 ? `${((100 * ms) / sampledMs).toFixed(0)} %` : '');
  return [
    ...shown.map((c) => `      ${c.cause.padEnd(58)} ${seconds(c.ms).padStart(8)} ${share(c.ms).padStart(5)}`),
    ...(rest > 0
      ? [
          `      ${`${causes.length - shown.length} other causes`.padEnd(58)} ${seconds(rest).padStart(8)} ${share(rest).padStart(5)}`,
        ]
      : []),
  ];
}

/**
 * At least how much of a phase's CPU time ran off the main thread: its CPU time in all threads (`process.cpuUsage`)
 * less the main thread's busy samples (sampled, not idle). A sample stands for the wall time up to the next one, so
 * the busy samples are the main thread's busy wall time, at least its CPU time: the difference is a lower bound. It
 * reads low when the main thread waited for a core (on two cores, its own process's background threads can take it),
 * for a page fault or in a garbage-collection pause waiting for the helpers. Off the main thread run V8's background
 * jobs, its optimizing compiler ("optimizing hot functions asynchronously on a separate thread", `node --v8-options`,
 * `--concurrent-recompilation`) and its collector's background tasks (`--single-threaded-gc`: "disable the use of
 * background gc tasks"), the profiler's sampling thread, libuv's thread pool and worker threads (the start's synthesis).
 * Undefined when the busy samples exceed the CPU time (the main thread waited, or the phase is too short for its
 * samples): nothing can be said.
 */
export function otherThreadsMs(phase: PhaseBreakdown): number | undefined {
  const idle = phase.causes.find((c) => c.cause === IDLE)?.ms ?? 0;
  const off = phase.cpuMs - (phase.sampledMs - idle);
  return off < 0 ? undefined : round(off);
}

const offMainThread = (phase: PhaseBreakdown) => {
  const ms = otherThreadsMs(phase);
  return ms === undefined
    ? 'off the main thread not measurable: its busy samples exceed its CPU time'
    : `at least ${seconds(ms)} off the main thread (V8's compiler and collector, the profiler, workers)`;
};

/** The breakdown for people: each phase's wall and CPU time, then its causes (the main thread's samples). */
export function formatBreakdown(breakdown: Breakdown | null): string[] {
  if (!breakdown) return ['  where the time goes       not measured'];
  return [
    `  where the time goes       ${seconds(breakdown.wholeMs)} profiled; each phase's wall and CPU time, then the main thread's samples in it by cause:`,
    ...breakdown.phases.flatMap((p) => [
      `    ${p.phase.padEnd(24)} ${seconds(p.wallMs).padStart(8)} wall, ${seconds(p.cpuMs)} CPU (all threads; ${offMainThread(p)}), ${seconds(p.sampledMs)} sampled`,
      ...causeLines(p.causes, p.sampledMs),
    ]),
    `    ${'outside the run'.padEnd(24)} ${seconds(breakdown.outside.sampledMs).padStart(8)} sampled (Node's start, the imports, the bench)`,
    ...causeLines(breakdown.outside.causes, breakdown.outside.sampledMs).slice(0, 5),
  ];
}
