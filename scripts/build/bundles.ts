import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LARGE_BUNDLE_BYTES } from '../bundle/report.js';

/** A function's bundle may be at most 1 MB, minified: the limit `npm run bundle` holds its own build to. */
export const BUNDLE_MAX_BYTES = LARGE_BUNDLE_BYTES;

interface Template {
  Resources?: Record<string, { Type: string; Properties?: { Handler?: unknown; Code?: { S3Key?: unknown } } }>;
}

function codeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += codeBytes(path);
    else if (entry.name.endsWith('.mjs') || entry.name.endsWith('.js')) total += statSync(path).size;
  }
  return total;
}

/**
 * The code of every Goldsmith function as `sst build` staged it (`.sst/dist/asset.<hash>/`, the hash the template's
 * `S3Key` names), measured against {@link BUNDLE_MAX_BYTES}: what would be uploaded, not a bundle of our own.
 */
export function stagedBundles(
  dist: string,
  templates: ReadonlyMap<string, Template>,
): { sizes: { fn: string; bytes: number }[]; problems: string[] } {
  const sizes: { fn: string; bytes: number }[] = [];
  const problems: string[] = [];
  for (const [stack, t] of templates) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      const handler = r.Properties?.Handler;
      if (r.Type !== 'AWS::Lambda::Function' || typeof handler !== 'string' || !handler.startsWith('functions/'))
        continue;
      const key = String(r.Properties?.Code?.S3Key ?? '').replace(/\.zip$/, '');
      const dir = join(dist, `asset.${key}`);
      let bytes: number;
      try {
        bytes = codeBytes(dir);
      } catch {
        problems.push(`bundle ${stack}/${id}: no staged code at ${dir}`);
        continue;
      }
      sizes.push({ fn: handler.replace(/\.handler$/, ''), bytes });
      if (bytes > BUNDLE_MAX_BYTES) problems.push(`bundle ${handler}: ${bytes} bytes, over ${BUNDLE_MAX_BYTES}`);
    }
  }
  return { sizes: sizes.sort((a, b) => b.bytes - a.bytes), problems };
}
