import { parseArgs } from 'node:util';

export const VERIFY_USAGE = 'usage: npm run verify [-- --year] (npm test adds --suite-on-stdin-end)';

/** What `npm run verify -- ARGS` asks for. */
export interface VerifyOptions {
  /** `--year`: also the faulted acceptance year (minutes of CPU). */
  readonly year: boolean;
  /** `--suite-on-stdin-end`: take the whole test run's request line once standard input closes (npm test). */
  readonly suiteOnStdinEnd: boolean;
  readonly help: boolean;
}

/** Parses verify's arguments strictly: an unknown one is a message naming it, never a run without it. */
export function verifyOptions(argv: readonly string[]): VerifyOptions | { problem: string } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        year: { type: 'boolean' },
        'suite-on-stdin-end': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    return {
      year: values.year === true,
      suiteOnStdinEnd: values['suite-on-stdin-end'] === true,
      help: values.help === true,
    };
  } catch (error) {
    return { problem: `${error instanceof Error ? error.message : String(error)}\n${VERIFY_USAGE}` };
  }
}
