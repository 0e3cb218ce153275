/**
 * The simulator's one timing hook: the phases of a run (`simulate()`: the cloud's start, the clock's run, the report,
 * the audits, the timeline), one after the other, each with its wall and CPU time and where it lies on the process's
 * monotonic clock, so that a profile taken of the same process (bench/profile.ts) can give each phase its causes.
 * The phases never overlap, so their times add up to at most the run's whole.
 */

/** One phase of a run, as `run.phases` reports it. */
export interface PhaseTime {
  phase: string;
  wallMs: number;
  /** The process's user and system CPU over the phase (V8's helper threads and the synthesis worker included). */
  cpuMs: number;
  /** Start and end on the process's monotonic clock, µs (`process.hrtime`; V8's profiles use the same clock). */
  startUs: number;
  endUs: number;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Times the phases of one run, in the order they run. */
export class PhaseTimer {
  readonly phases: PhaseTime[] = [];

  /** Runs `work` as phase `phase` (phases must not nest: the next starts after this one ends). */
  async time<T>(phase: string, work: () => Promise<T> | T): Promise<T> {
    const cpu = process.cpuUsage();
    const startUs = nowUs();
    try {
      return await work();
    } finally {
      const endUs = nowUs();
      const used = process.cpuUsage(cpu);
      this.phases.push({
        phase,
        wallMs: round((endUs - startUs) / 1000),
        cpuMs: round((used.user + used.system) / 1000),
        startUs,
        endUs,
      });
    }
  }
}
