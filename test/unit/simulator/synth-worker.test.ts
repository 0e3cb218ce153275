import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentFilesIn } from '../../../cli/load-catalog.js';
import { parseCatalog } from '../../../core/config/catalog.js';
import type { Catalog, CatalogInput } from '../../../core/config/schema.js';
import type { SynthesizedApp } from '../../../local/simulator/synth.js';
import { GOLDSMITH_STACK_SET, type StackSet, synthesizeAppCached } from '../../../local/simulator/synth-cache.js';
import { keepSynthesisWorker } from '../../../local/simulator/synth-worker-client.js';

const ROOT = resolve(new URL('../../../', import.meta.url).pathname);

/** Every module the file imports statically (not `import type`), transitively. */
function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (graph.has(file)) continue;
    const text = readFileSync(join(ROOT, file), 'utf8');
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s*['"]([^'"]+)['"]/gm)].map(
      (m) => m[1] ?? '',
    );
    graph.set(file, specifiers);
    for (const s of specifiers.filter((s) => s.startsWith('.'))) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), s)).replace(/\.js$/, '.ts');
      if (existsSync(join(ROOT, target))) pending.push(target);
    }
  }
  return graph;
}

/** One image for one account; `approver`: prod is approved by ops, whose links go to an address of their own. */
function smallCatalog(approver = false): Catalog {
  const parsed = parseCatalog(
    {
      organization: { id: 'o-zz9988776655', homeRegion: 'us-east-1' },
      images: {
        solo: {
          parent: 'ami-0123456789abcdef0',
          platform: 'Linux',
          architecture: 'x86_64',
          components: [{ managed: 'update-linux', version: '1.0.x' }],
          regions: ['us-east-1'],
        },
      },
      channels: [
        {
          name: 'live',
          targets: { accounts: ['123456789012'] },
          ...(approver ? { approval: { approvers: ['ops'], timeout: '3d' } } : {}),
        },
      ],
      ...(approver ? { notifications: { approvers: { ops: 'ops@example.com' } } } : {}),
    } as CatalogInput,
    componentFilesIn(ROOT),
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

const OPTIONS = { root: ROOT, accountId: '123456789012' };
const NAMES = ['Ledger', 'Notifications'];
/** Two of the stacks, synthesized in the worker thread. */
const IN_WORKER: StackSet = {
  id: 'test:worker',
  load: () => Promise.reject(new Error('a worker stack set is not loaded in this thread')),
  worker: { stacks: NAMES },
};

describe('stack synthesis for the local cloud', () => {
  it('keeps aws-cdk-lib, SST and the stacks out of what the simulator imports', () => {
    const graph = staticGraph('local/simulator/index.ts');
    const loadsCdk = [...graph]
      .filter(([, specifiers]) => specifiers.some((s) => /^(aws-cdk-lib|sst|constructs)(\/|$)/.test(s)))
      .map(([file]) => file);
    expect(graph.has('local/simulator/cloud.ts')).toBe(true);
    expect([...graph.keys()].filter((f) => f.startsWith('stacks/') && f !== 'stacks/names.ts')).toEqual([]);
    expect(loadsCdk).toEqual([]);
    // On a cache miss, Goldsmith's stacks go to the worker thread, which takes the CDK with it when it ends.
    expect(GOLDSMITH_STACK_SET.worker).toBeDefined();
  });

  // The suite keeps a synthesis thread per test worker (test/setup.ts); `npm start` starts one per synthesis.
  let kept: number | false = false;
  beforeAll(() => {
    kept = keepSynthesisWorker(false);
  });
  afterAll(() => {
    keepSynthesisWorker(kept);
  });
  let inWorker: SynthesizedApp | undefined;

  it('synthesizes in the worker thread the same templates and handlers as in this thread', async () => {
    inWorker = await synthesizeAppCached(smallCatalog(), IN_WORKER, OPTIONS, { enabled: false });
    const here = await synthesizeAppCached(
      smallCatalog(),
      {
        id: 'test:here',
        load: async () => {
          const { GOLDSMITH_STACKS } = await import('../../../stacks/app.js');
          return GOLDSMITH_STACKS.filter((fn) => NAMES.includes(fn.name));
        },
      },
      OPTIONS,
      { enabled: false },
    );
    expect(inWorker.templates).toHaveLength(2);
    expect(inWorker.handlers.size).toBeGreaterThan(0);
    expect(inWorker.templates).toEqual(here.templates);
    expect([...inWorker.handlers]).toEqual([...here.handlers]);
  }, 180_000);

  it('rejects with the reason when the worker cannot synthesize', async () => {
    const set = { id: 'test:missing', load: async () => [], worker: { stacks: ['NoSuchStack'] } };
    await expect(
      synthesizeAppCached(smallCatalog(), set, { root: ROOT, accountId: '123456789012' }, { enabled: false }),
    ).rejects.toThrow(/no such stack in GOLDSMITH_STACKS: NoSuchStack/);
  }, 60_000);

  it('synthesizes in a kept thread each catalog as a thread of its own does, and goes on after a refusal', async () => {
    keepSynthesisWorker(3);
    try {
      const synthesize = (catalog: Catalog, set = IN_WORKER) =>
        synthesizeAppCached(catalog, set, OPTIONS, { enabled: false });
      // Asked together: the thread synthesizes one catalog after the other, each with its own.
      const [approved, plain] = await Promise.all([synthesize(smallCatalog(true)), synthesize(smallCatalog())]);
      expect(approved.templates).not.toEqual(plain.templates);
      expect(plain.templates).toEqual(inWorker?.templates);
      expect([...plain.handlers]).toEqual([...(inWorker?.handlers ?? [])]);
      // A refusal (the stack list's) counts as one of the thread's three syntheses: at that limit the thread is ended
      // and a fresh one serves the next request, with the same templates.
      await expect(synthesize(smallCatalog(), { ...IN_WORKER, worker: { stacks: ['NoSuchStack'] } })).rejects.toThrow(
        /no such stack in GOLDSMITH_STACKS: NoSuchStack/,
      );
      expect((await synthesize(smallCatalog())).templates).toEqual(inWorker?.templates);
    } finally {
      keepSynthesisWorker(false);
    }
  }, 180_000);
});
