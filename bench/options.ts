import { parseArgs } from 'node:util';

// Light on purpose (the report's formatting module, not the bundler): the arguments are checked without loading
// the benchmarks.
import { DEFAULT_RUNS } from '../scripts/bundle/report.js';

export const BENCH_USAGE =
  'usage: npm run bench -- [--json] [--only bundle|quarter|floor|simulation|saved-cloud|sharing|organization] [--runs N] [--months N] [--accounts-per-ou N] [--list]';

const ONLY = ['bundle', 'quarter', 'floor', 'simulation', 'saved-cloud', 'sharing', 'organization'] as const;
export type BenchPart = (typeof ONLY)[number];
/** The order the parts run in: the floor in this process before any simulation configures the SDK clients again. */
const RUN_ORDER: readonly BenchPart[] = [
  'bundle',
  'floor',
  'quarter',
  'simulation',
  'saved-cloud',
  'sharing',
  'organization',
];

/** What `npm run bench -- ARGS` asks for: the parts it runs, in order, and their settings. */
export interface BenchOptions {
  readonly parts: readonly BenchPart[];
  readonly json: boolean;
  readonly runs: number;
  readonly months: number;
  /** `--accounts-per-ou N`: the organization benchmark's accounts in each OU that holds accounts (default 31). */
  readonly accountsPerOu: number | undefined;
  /** `--list`: print the parts and run nothing. */
  readonly list: boolean;
  readonly help: boolean;
}

/**
 * Parses `npm run bench`'s arguments strictly: an unknown option, an unknown part or a count that is not a whole
 * number ≥ 1 is a message (with the usage), never a run with defaults.
 */
export function benchOptions(argv: readonly string[]): BenchOptions | { problem: string } {
  let values: {
    json?: boolean;
    only?: string;
    runs?: string;
    months?: string;
    'accounts-per-ou'?: string;
    list?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        json: { type: 'boolean' },
        only: { type: 'string' },
        runs: { type: 'string' },
        months: { type: 'string' },
        'accounts-per-ou': { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    return { problem: `${error instanceof Error ? error.message : String(error)}\n${BENCH_USAGE}` };
  }
  const only = values.only;
  if (only !== undefined && !(ONLY as readonly string[]).includes(only)) {
    return { problem: `--only: must be ${ONLY.map((o) => `"${o}"`).join(', ')}, got "${only}"\n${BENCH_USAGE}` };
  }
  const runs = values.runs === undefined ? DEFAULT_RUNS : Number(values.runs);
  const months = Number(values.months ?? 12);
  const given = values['accounts-per-ou'];
  const accountsPerOu = given === undefined ? undefined : Number(given);
  for (const [option, text, value] of [
    ['--runs', values.runs, runs],
    ['--months', values.months, months],
    ['--accounts-per-ou', given, accountsPerOu ?? 1],
  ] as const) {
    if (Number.isInteger(value) && value >= 1) continue;
    return { problem: `${option}: must be a whole number ≥ 1, got "${text}"\n${BENCH_USAGE}` };
  }
  // The request floor runs with the quarter too: the quarter says what its requests cost at the floor.
  const parts = RUN_ORDER.filter(
    (part) => only === undefined || only === part || (part === 'floor' && only === 'quarter'),
  );
  return {
    parts,
    json: values.json === true,
    runs,
    months,
    accountsPerOu,
    list: values.list === true,
    help: values.help === true,
  };
}
