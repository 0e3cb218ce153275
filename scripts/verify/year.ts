import type { Catalog } from '../../core/config/schema.js';
import { simulate } from '../../local/simulator/index.js';
import { scenarioSchema } from '../../local/simulator/scenario.js';
import type { CheckLine } from './checks.js';

/** The acceptance run: a year with every fault injected at once. */
export const HOSTILE_YEAR = {
  start: '2027-01-01T00:00:00Z',
  until: '2028-01-01T00:00:00Z',
  approvals: 'auto',
  faults: { throttleRate: 0.1, errorRate: 0.02, dropImageEvents: 0.1, deliverEachEventTimes: 3 },
  seed: 1,
} as const;

/**
 * Twelve months on the local cloud with 10% throttling, 2% server errors, 10% of image events dropped and every
 * event delivered three times: the run must end consistent, with every call that failed after retries handled.
 * Minutes of CPU: `npm run verify` runs it once, no test does.
 */
export async function hostileYearLine(catalog: Catalog, root: string): Promise<CheckLine> {
  const started = performance.now();
  const { report } = await simulate(catalog, scenarioSchema.parse(HOSTILE_YEAR), root);
  const seconds = Math.round((performance.now() - started) / 1000);
  const promoted = report.promotions.filter((p) => p.outcome === 'promoted').length;
  const unhandled = report.faults.failed.filter((f) => !f.handledBy);
  return {
    name: '12 months, 10% throttling, 2% server errors, 10% image events dropped, every event delivered 3 times',
    figure:
      `consistency.ok ${report.consistency.ok}; ${report.builds.length} builds, ${report.promotions.length} promotions ` +
      `(${promoted} promoted); ${report.faults.injected} faults injected, ${report.faults.failed.length} calls failed ` +
      `after retries (${unhandled.length} unhandled), ${report.duplicatesSuppressed} duplicates suppressed; ${seconds} s`,
    problems: [
      ...report.consistency.problems,
      ...unhandled.map((f) => `${f.at} ${f.operation}: ${f.error}: not handled`),
    ],
  };
}
