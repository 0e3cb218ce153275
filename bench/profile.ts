import { existsSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { CpuProfile } from './breakdown.js';

/**
 * Runs `work` under V8's sampling CPU profiler in this process (one sample of the main thread's stack every
 * `intervalUs`; https://nodejs.org/api/inspector.html#cpu-profiler) and returns its result with the profile. A
 * failing `work` stops the profiler and throws as it threw.
 */
export async function profiled<T>(
  work: () => Promise<T>,
  intervalUs: number,
): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await work() };
    } catch (error) {
      outcome = { error };
    }
    const { profile } = await session.post('Profiler.stop');
    if ('error' in outcome) throw outcome.error;
    return { result: outcome.value, profile: profile as CpuProfile };
  } finally {
    session.disconnect();
  }
}

/**
 * `profile` with each frame of a bundled file (a `goldsmith` command runs the bundle bin/bundle.mjs builds, each
 * chunk with its `.map` beside it) named by its original source file, through the source map
 * (https://nodejs.org/api/module.html#class-modulesourcemap); frames of other files are kept as they are.
 */
export function withOriginalSources(profile: CpuProfile): CpuProfile {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string): SourceMap | undefined => {
    if (!maps.has(url)) {
      const file = url.startsWith('file://') ? `${fileURLToPath(url)}.map` : undefined;
      const payload =
        file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SourceMapPayload) : undefined;
      maps.set(url, payload && new SourceMap(payload));
    }
    return maps.get(url);
  };
  const nodes = profile.nodes.map((node) => {
    const { url, lineNumber, columnNumber } = node.callFrame;
    const map = url.endsWith('.mjs') ? mapOf(url) : undefined;
    const entry = map?.findEntry(lineNumber ?? 0, columnNumber ?? 0);
    const original = entry && 'originalSource' in entry ? entry.originalSource : undefined;
    return original ? { ...node, callFrame: { ...node.callFrame, url: original } } : node;
  });
  return { ...profile, nodes };
}
