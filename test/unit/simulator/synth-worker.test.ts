import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDSMITH_STACK_SET } from '../../../local/simulator/synth-cache.js';

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
});
