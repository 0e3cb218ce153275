import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The request check's figures over a whole test run: each test file's process writes its totals here when it ends,
 * and `npm run verify` (which `npm test` runs after vitest) sums them and clears the folder.
 */
const DIR = new URL('../../node_modules/.cache/goldsmith-verify/', import.meta.url).pathname;

export interface SuiteFigures {
  requests: number;
  responses: number;
  violations: number;
}

let sequence = 0;

/** Adds one test file's totals (a file that sent nothing writes nothing). */
export function recordSuiteFigures(f: SuiteFigures): void {
  if (f.requests === 0 && f.responses === 0 && f.violations === 0) return;
  mkdirSync(DIR, { recursive: true });
  sequence++;
  writeFileSync(join(DIR, `${process.pid}-${Date.now()}-${sequence}.json`), JSON.stringify(f));
}

/** Sums and removes what the last test run recorded; `files` is 0 when no test run recorded anything. */
export function takeSuiteFigures(): SuiteFigures & { files: number } {
  const total = { requests: 0, responses: 0, violations: 0, files: 0 };
  let names: string[] = [];
  try {
    names = readdirSync(DIR).filter((n) => n.endsWith('.json'));
  } catch {
    return total;
  }
  for (const name of names) {
    const f = JSON.parse(readFileSync(join(DIR, name), 'utf8')) as SuiteFigures;
    total.requests += f.requests;
    total.responses += f.responses;
    total.violations += f.violations;
    total.files++;
  }
  rmSync(DIR, { recursive: true, force: true });
  return total;
}
