import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentFilesIn } from '../../../cli/load-catalog.js';
import { parseCatalog } from '../../../core/config/catalog.js';
import type { Catalog, CatalogInput } from '../../../core/config/schema.js';
import { type StackSet, synthCacheStats, synthesizeAppCached } from '../../../local/simulator/synth-cache.js';
import { SOURCE_DIRS, SOURCE_FILES, type SynthKeyInput, synthCacheKey } from '../../../local/simulator/synth-key.js';

const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

/** Two small stacks (the second has a function), so a miss synthesizes quickly; loaded only on a miss. */
const SMALL_APP: StackSet = {
  id: 'test:Ledger+Notifications',
  load: async () => {
    const [{ Ledger }, { Notifications }] = await Promise.all([
      import('../../../stacks/Ledger.js'),
      import('../../../stacks/Notifications.js'),
    ]);
    return [Ledger, Notifications];
  },
};

function catalogOf(input: CatalogInput): Catalog {
  const parsed = parseCatalog(input, componentFilesIn(REPO_ROOT));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

function smallCatalog(version = '1.0.0'): Catalog {
  return catalogOf({
    organization: { id: 'o-zz9988776655', homeRegion: 'us-east-1' },
    images: {
      solo: {
        parent: 'ami-0123456789abcdef0',
        platform: 'Linux',
        architecture: 'x86_64',
        version,
        components: [{ managed: 'update-linux', version: '1.0.x' }],
        regions: ['us-east-1'],
      },
    },
    channels: [{ name: 'live', targets: { accounts: ['123456789012'] } }],
  } as CatalogInput);
}

const entriesIn = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.json'));

describe('synthesizeAppCached', () => {
  let dir: string;
  const options = { root: REPO_ROOT, accountId: '123456789012' };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'goldsmith-synth-cache-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('synthesizes and writes one entry on a miss, then answers the same app from that entry', async () => {
    const before = { ...synthCacheStats };
    const first = await synthesizeAppCached(smallCatalog(), SMALL_APP, options, { dir });
    expect(synthCacheStats.misses - before.misses).toBe(1);
    expect(synthCacheStats.writes - before.writes).toBe(1);
    const [entry] = entriesIn(dir);
    expect(entriesIn(dir)).toHaveLength(1);
    const written = readFileSync(join(dir, entry as string), 'utf8');
    expect(first.templates.length).toBe(2);
    expect(first.handlers.size).toBeGreaterThan(0);

    const second = await synthesizeAppCached(smallCatalog(), SMALL_APP, options, { dir });
    expect(synthCacheStats.hits - before.hits).toBe(1);
    expect(synthCacheStats.writes - before.writes).toBe(1);
    expect(readFileSync(join(dir, entry as string), 'utf8')).toBe(written);
    expect(second.templates).toEqual(first.templates);
    expect(second.handlers).toEqual(first.handlers);
  });

  it('loads neither aws-cdk-lib, SST nor the stacks when the entry is there', () => {
    // A fresh process, since this test file's own process has loaded the CDK for the miss above.
    const script = `
      import { createRequire } from 'node:module';
      import { parseCatalog } from './core/config/catalog.ts';
      import { componentFilesIn } from './cli/load-catalog.ts';
      import { synthesizeAppCached, synthCacheStats } from './local/simulator/synth-cache.ts';
      const input = JSON.parse(process.argv[1]);
      const parsed = parseCatalog(input, componentFilesIn(${JSON.stringify(REPO_ROOT)}));
      let loads = 0;
      const set = { id: 'test:Ledger+Notifications', load: async () => { loads++; return []; } };
      const app = await synthesizeAppCached(parsed.catalog, set, ${JSON.stringify(options)}, { dir: process.argv[2] });
      const cdk = Object.keys(createRequire(import.meta.url).cache)
        .filter((path) => /[\\\\/]node_modules[\\\\/](aws-cdk-lib|sst|constructs)[\\\\/]/.test(path)).length;
      process.stdout.write(JSON.stringify({ ...synthCacheStats, loads, cdk, templates: app.templates.length }));
    `;
    const input = JSON.parse(JSON.stringify(smallCatalog())) as CatalogInput;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script, JSON.stringify(input), dir],
      { cwd: REPO_ROOT, env: process.env, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toMatchObject({ hits: 1, misses: 0, writes: 0, loads: 0, cdk: 0, templates: 2 });
  });

  it('misses when the catalog changes, keeping the entry of the old one', async () => {
    const before = { ...synthCacheStats };
    const app = await synthesizeAppCached(smallCatalog('1.0.1'), SMALL_APP, options, { dir });
    expect(synthCacheStats.misses - before.misses).toBe(1);
    expect(entriesIn(dir)).toHaveLength(2);
    expect(app.templates).toHaveLength(2);
  });

  it('synthesizes again over a corrupt entry instead of failing, and repairs it', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'goldsmith-synth-cache-corrupt-'));
    try {
      const good = await synthesizeAppCached(smallCatalog(), SMALL_APP, options, { dir: scratch });
      const [entry] = entriesIn(scratch);
      const path = join(scratch, entry as string);
      const before = { ...synthCacheStats };
      for (const corrupt of ['{"format":1,"key":"', JSON.stringify({ format: 1, key: 'x', templates: 'no' })]) {
        writeFileSync(path, corrupt);
        const app = await synthesizeAppCached(smallCatalog(), SMALL_APP, options, { dir: scratch });
        expect(app.templates).toEqual(good.templates);
        expect(app.handlers).toEqual(good.handlers);
      }
      expect(synthCacheStats.unreadable - before.unreadable).toBe(2);
      expect(synthCacheStats.misses - before.misses).toBe(2);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ format: 1, key: (entry as string).slice(0, -5) });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('keeps only the most recently used entries after a write', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'goldsmith-synth-cache-prune-'));
    try {
      const old = Date.now() / 1000 - 3600;
      for (const name of ['a', 'b', 'c']) {
        writeFileSync(join(scratch, `${name}.json`), '{}');
        utimesSync(join(scratch, `${name}.json`), old, old + (name === 'c' ? 60 : 0));
      }
      await synthesizeAppCached(smallCatalog(), SMALL_APP, options, { dir: scratch, maxEntries: 2 });
      const kept = entriesIn(scratch);
      expect(kept).toHaveLength(2);
      expect(kept).toContain('c.json');
      expect(kept.filter((name) => name.length > 10)).toHaveLength(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('neither reads nor writes the cache when it is turned off', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'goldsmith-synth-cache-off-'));
    try {
      const before = { ...synthCacheStats };
      await synthesizeAppCached(smallCatalog(), SMALL_APP, options, { dir: scratch, enabled: false });
      expect(entriesIn(scratch)).toHaveLength(0);
      expect(synthCacheStats).toEqual(before);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('synthCacheKey', () => {
  let code: string;
  let base: SynthKeyInput;
  beforeAll(() => {
    // A small stand-in repository: the key reads sources, config and installed versions relative to it.
    code = mkdtempSync(join(tmpdir(), 'goldsmith-synth-key-test-'));
    for (const dir of ['stacks', 'core/config', 'events', 'functions/lib', 'components', 'node_modules/aws-cdk-lib']) {
      mkdirSync(join(code, dir), { recursive: true });
    }
    writeFileSync(join(code, 'stacks/Ledger.ts'), 'export function Ledger() {}\n');
    writeFileSync(join(code, 'core/config/schema.ts'), 'export const x = 1;\n');
    writeFileSync(join(code, 'events/index.ts'), 'export {};\n');
    writeFileSync(join(code, 'functions/lib/handler.ts'), 'export {};\n');
    writeFileSync(join(code, 'sst.config.ts'), 'export default {};\n');
    writeFileSync(join(code, 'package-lock.json'), '{}\n');
    writeFileSync(join(code, 'node_modules/aws-cdk-lib/package.json'), '{"version":"2.224.0"}\n');
    cpSync(join(REPO_ROOT, 'components'), join(code, 'components'), { recursive: true });
    base = {
      catalog: smallCatalog(),
      stacks: ['Ledger'],
      root: code,
      stage: 'local',
      region: 'us-east-1',
      accountId: '123456789012',
      codeRoot: code,
    };
  });
  afterAll(() => rmSync(code, { recursive: true, force: true }));

  /** The key before and after `change` (which may edit files under the stand-in repository). */
  function keysAround(change: () => Partial<SynthKeyInput> | undefined): [string | undefined, string | undefined] {
    const before = synthCacheKey(base);
    const overrides = change() ?? {};
    return [before, synthCacheKey({ ...base, ...overrides })];
  }

  it('is the same for the same input', () => {
    expect(synthCacheKey(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(synthCacheKey({ ...base, catalog: smallCatalog() })).toBe(synthCacheKey(base));
  });

  it.each([
    ['the catalog', () => ({ catalog: smallCatalog('2.0.0') })],
    ['the stage', () => ({ stage: 'other' })],
    ['the region', () => ({ region: 'eu-west-1' })],
    ['the account', () => ({ accountId: '210987654321' })],
    ['the stack list', () => ({ stacks: ['Ledger', 'Factory'] })],
  ])('changes with %s', (_, change) => {
    const [before, after] = keysAround(change);
    expect(after).not.toBe(before);
  });

  it.each([
    ['a stack source', 'stacks/Ledger.ts'],
    ['a core module', 'core/config/schema.ts'],
    ['an event module', 'events/index.ts'],
    ['a handler', 'functions/lib/handler.ts'],
    ['sst.config.ts', 'sst.config.ts'],
    ['the lock file', 'package-lock.json'],
    ['the installed aws-cdk-lib', 'node_modules/aws-cdk-lib/package.json'],
    ['a component document', 'components/base-agents.yml'],
  ])('changes when %s changes', (_, file) => {
    const [before, after] = keysAround(() => {
      writeFileSync(join(code, file), `${readFileSync(join(code, file), 'utf8')} `);
      return undefined;
    });
    expect(after).not.toBe(before);
  });

  it('is the same for the catalog in another folder holding the same component files, not for one whose differ', () => {
    // A temporary folder a catalog is written to (as the CLI scenario files do): the stacks read only the component
    // files under the catalog's root, by their path relative to it, never the root's own path.
    const other = mkdtempSync(join(tmpdir(), 'goldsmith-synth-key-root-'));
    try {
      cpSync(join(code, 'components'), join(other, 'components'), { recursive: true });
      expect(synthCacheKey({ ...base, root: other })).toBe(synthCacheKey(base));
      writeFileSync(join(other, 'components/base-agents.yml'), '# another document\n');
      expect(synthCacheKey({ ...base, root: other })).not.toBe(synthCacheKey(base));
      rmSync(join(other, 'components/base-agents.yml'));
      expect(synthCacheKey({ ...base, root: other })).not.toBe(synthCacheKey(base));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('changes when a stack source is added', () => {
    const [before, after] = keysAround(() => {
      writeFileSync(join(code, 'stacks/Extra.ts'), 'export {};\n');
      return undefined;
    });
    expect(after).not.toBe(before);
  });

  it('changes with NODE_ENV, which changes what SST synthesizes', () => {
    const saved = process.env.NODE_ENV;
    try {
      const [before, after] = keysAround(() => {
        process.env.NODE_ENV = `${saved ?? ''}-other`;
        return undefined;
      });
      expect(after).not.toBe(before);
    } finally {
      if (saved === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = saved;
    }
  });

  it('covers every module the stacks import (a stack reading code from elsewhere would hit stale)', () => {
    const seen = new Set<string>();
    const pending = [join(REPO_ROOT, 'stacks/app.ts'), join(REPO_ROOT, 'local/simulator/synth.ts')];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      // Type-only imports are erased: they run no code.
      const text = readFileSync(file, 'utf8').replace(/^import type [^;]+;/gm, '');
      for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        pending.push(resolve(dirname(file), (specifier as string).replace(/\.js$/, '.ts')));
      }
      // A file read or bundled by its path (`new URL('../../member/index.ts', import.meta.url)`) is code too.
      for (const [, specifier] of text.matchAll(
        /new URL\(\s*['"](\.{1,2}\/[^'"]+\.[cm]?ts)['"],\s*import\.meta\.url/g,
      )) {
        pending.push(resolve(dirname(file), specifier as string));
      }
    }
    const outside = [...seen]
      .map((file) => relative(REPO_ROOT, file))
      .filter((file) => !SOURCE_DIRS.includes(file.split('/')[0] as string) && !SOURCE_FILES.includes(file));
    expect(seen.size).toBeGreaterThan(20);
    expect(outside).toEqual([]);
  });

  it('is undefined for a catalog holding a value it cannot see into', () => {
    const catalog = { ...smallCatalog(), hook: () => 1 } as unknown as Catalog;
    expect(synthCacheKey({ ...base, catalog })).toBeUndefined();
  });
});
