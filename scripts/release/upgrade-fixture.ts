/**
 * Writes the upgrade rehearsal's fixture for a release (test/fixtures/upgrade/<version>/): a cloud that release saved
 * mid-quarter with a prod approval waiting on its task token, a soak running, a scheduled revocation pending and a
 * rollout between two waves (test/fixtures/upgrade/scenario.json on examples/catalogs/example-rollout.ts), what it was
 * deployed with, and how that release's run ends each piece when it goes on without an upgrade.
 *
 *   git worktree add /tmp/rel v0.2.0 && ln -s "$PWD/node_modules" /tmp/rel/node_modules
 *   npm run release:upgrade-fixture -- --root /tmp/rel
 *   git worktree remove --force /tmp/rel
 *
 * The checkout at `--root` runs its own `goldsmith simulate` (a process each: --save, then --resume of a copy with
 * --json); the fixture is written into this checkout, named by the version in `--root`'s package.json.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { checkoutDeployment } from './deployment.js';
import { inFlight, outcomesOf, type RehearsalOutcomes } from './upgrade-outcomes.js';

const HERE = new URL('../../', import.meta.url).pathname;
const SCENARIO = join(HERE, 'test/fixtures/upgrade/scenario.json');
/** How far the run goes on from the save: past every piece's end (the revocation is due on the 25th). */
export const GO_ON_UNTIL = '2027-01-26T00:00:00Z';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  if (at === -1) return undefined;
  const value = process.argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

/** Runs `goldsmith ARGS` of the checkout at `root`; its stdout. */
function goldsmith(root: string, args: string[]): string {
  const run = spawnSync(process.execPath, ['--experimental-async-context-frame', 'bin/goldsmith.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`goldsmith ${args.join(' ')} in ${root}: exit ${run.status}\n${run.stderr}`);
  return run.stdout;
}

const root = resolve(option('--root') ?? HERE);
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const catalog = join(root, 'examples/catalogs/example-rollout.ts');
const work = mkdtempSync(join(tmpdir(), 'upgrade-fixture-'));
try {
  const saved = join(work, 'saved');
  goldsmith(root, ['simulate', '--config', catalog, '--scenario', SCENARIO, '--save', saved]);
  writeFileSync(join(saved, 'deployment.json'), JSON.stringify(await checkoutDeployment(root, catalog)));
  const state = JSON.parse(readFileSync(join(saved, 'state.json'), 'utf8')) as {
    savedAt: string;
    snapshot: { ledger: Record<string, unknown>[] };
  };

  // The same release going on, without an upgrade: what each piece of work comes to.
  const on = join(work, 'on');
  cpSync(saved, on, { recursive: true });
  const report = JSON.parse(goldsmith(root, ['simulate', '--resume', on, '--until', GO_ON_UNTIL, '--json'])) as {
    consistency: { ok: boolean };
  };
  const after = JSON.parse(readFileSync(join(on, 'state.json'), 'utf8')) as typeof state;
  const outcomes: RehearsalOutcomes = {
    release: version,
    savedAt: state.savedAt,
    until: GO_ON_UNTIL,
    inFlight: inFlight(state.snapshot.ledger),
    outcomes: outcomesOf(after.snapshot.ledger),
    audit: report.consistency.ok ? 'ok' : 'failed',
  };

  const out = join(HERE, 'test/fixtures/upgrade', version);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync(saved)) {
    const data = readFileSync(join(saved, name));
    // The cloud file is gzipped already; state.json and deployment.json are kept gzipped.
    if (name.endsWith('.gz')) writeFileSync(join(out, name), data);
    else writeFileSync(join(out, `${name}.gz`), gzipSync(data, { level: 9 }));
  }
  writeFileSync(join(out, 'outcomes.json'), `${JSON.stringify(outcomes, null, 2)}\n`);
  const bytes = readdirSync(out).reduce((n, f) => n + readFileSync(join(out, f)).length, 0);
  process.stdout.write(`release ${version}: saved at ${state.savedAt}, ${bytes} bytes → ${out}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
