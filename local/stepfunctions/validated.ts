import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Which state machine definitions already passed aws-local-stepfunctions' validation (asl-validator, an ajv schema
 * compiled on every check: about 0.3 s of CPU a registration). The local cloud validates each definition as
 * CreateStateMachine would; the same definition checked by the same validator versions gives the same answer, so
 * a definition that passed once is remembered by a marker file named by a hash of the definition and the versions
 * (node_modules/.cache/goldsmith/asl, wiped by `npm ci`). A definition that fails is never remembered.
 */

const require = createRequire(import.meta.url);
const CODE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_VALIDATED_DIR = join(CODE_ROOT, 'node_modules', '.cache', 'goldsmith', 'asl');
const MAX_MARKERS = 64;

function versionOf(pkg: string): string {
  try {
    return (
      (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version?: string }).version ?? '?'
    );
  } catch {
    return '?';
  }
}

/** The marker's name: the definition (as JSON), the validation options, and the validators' versions. */
export function validationKey(definition: unknown, options: unknown): string {
  return createHash('sha256')
    .update(
      JSON.stringify({ definition, options, validators: ['aws-local-stepfunctions', 'asl-validator'].map(versionOf) }),
    )
    .digest('hex');
}

export interface ValidatedCache {
  /** Runs `validate` unless this definition passed before; remembers it when `validate` returns. */
  check(definition: unknown, options: unknown, validate: () => void): void;
  readonly stats: { hits: number; validated: number };
}

export function validatedCache(
  dir: string = DEFAULT_VALIDATED_DIR,
  enabled = process.env.GOLDSMITH_SYNTH_CACHE !== 'off',
): ValidatedCache {
  const stats = { hits: 0, validated: 0 };
  return {
    stats,
    check(definition, options, validate) {
      const marker = join(dir, validationKey(definition, options));
      if (enabled) {
        try {
          statSync(marker);
          stats.hits++;
          return;
        } catch {
          // not validated before (or the cache is unreadable): validate
        }
      }
      validate();
      stats.validated++;
      if (!enabled) return;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(marker, '');
        const markers = readdirSync(dir);
        if (markers.length > MAX_MARKERS) {
          const byAge = markers.map((m) => ({ m, t: statSync(join(dir, m)).mtimeMs })).sort((a, b) => b.t - a.t);
          for (const { m } of byAge.slice(MAX_MARKERS)) rmSync(join(dir, m), { force: true });
        }
      } catch {
        // A cache that cannot be written only costs the next run a validation.
      }
    },
  };
}
