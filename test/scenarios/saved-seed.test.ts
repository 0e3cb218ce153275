import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureOutput } from '../helpers/output.js';
import { al2023Image, catalogInput } from './helpers.js';

/**
 * `simulate --seed N --save DIR` keeps N: acting commands and `--resume` rebuild the cloud by replaying its saved
 * scenario, and a replay with another seed would show a different past (other deliveries repeated, other fleet
 * figures) without a word.
 */
const goldsmith = (args: string[]) => captureOutput(() => main(args));
const catalog = catalogInput({ base: al2023Image({ regions: ['us-east-1'] }) }, [
  { name: 'dev', targets: { ous: ['ou-x1y2-dev00001'] } },
]);

let root: string;
let dir: string;
let save: Awaited<ReturnType<typeof goldsmith>>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-saved-seed-'));
  dir = join(root, 'run');
  writeFileSync(join(root, 'catalog.json'), JSON.stringify(catalog));
  writeFileSync(
    join(root, 'scenario.json'),
    JSON.stringify({
      start: '2027-01-01T00:00:00Z',
      until: '2027-01-01T06:00:00Z',
      organization: { accountsPerOu: 1 },
      events: [],
    }),
  );
  const config = ['--config', join(root, 'catalog.json')];
  save = await goldsmith([
    'simulate',
    ...config,
    '--scenario',
    join(root, 'scenario.json'),
    '--seed',
    '7',
    '--save',
    dir,
  ]);
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a saved cloud keeps its seed', () => {
  it('writes the seed given on the command line into the saved scenario', () => {
    expect(save.code).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { scenario: { seed?: number } };
    expect(state.scenario.seed).toBe(7);
  });

  it('refuses --seed with --resume, naming the saved seed, and changes nothing', async () => {
    const before = readFileSync(join(dir, 'state.json'), 'utf8');
    const resumed = await goldsmith(['simulate', '--resume', dir, '--seed', '3']);
    expect(resumed.code).not.toBe(0);
    expect(resumed.stdout + resumed.stderr).toContain(
      '--resume replays the seed the cloud was saved with (7): drop --seed',
    );
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(before);
  });
});
