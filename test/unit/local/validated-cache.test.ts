import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validatedCache } from '../../../local/stepfunctions/validated.js';

const DEFINITION = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };
const OPTIONS = { checkPaths: false };

describe('validatedCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'goldsmith-asl-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('validates a definition once and remembers that it passed, across processes (a marker file)', () => {
    let runs = 0;
    validatedCache(dir).check(DEFINITION, OPTIONS, () => {
      runs++;
    });
    const again = validatedCache(dir);
    again.check(DEFINITION, OPTIONS, () => {
      runs++;
    });
    expect(runs).toBe(1);
    expect(again.stats).toEqual({ hits: 1, validated: 0 });
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('validates again when the definition or the options differ', () => {
    const cache = validatedCache(dir);
    cache.check(DEFINITION, OPTIONS, () => undefined);
    cache.check({ ...DEFINITION, Comment: 'changed' }, OPTIONS, () => undefined);
    cache.check(DEFINITION, { checkPaths: true }, () => undefined);
    expect(cache.stats).toEqual({ hits: 0, validated: 3 });
  });

  it('never remembers a definition that failed: it fails again every time', () => {
    const cache = validatedCache(dir);
    const invalid = () => {
      throw new Error('States.Done.Type is invalid');
    };
    expect(() => cache.check(DEFINITION, OPTIONS, invalid)).toThrow('invalid');
    expect(() => cache.check(DEFINITION, OPTIONS, invalid)).toThrow('invalid');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('validates every time when turned off', () => {
    const cache = validatedCache(dir, false);
    cache.check(DEFINITION, OPTIONS, () => undefined);
    cache.check(DEFINITION, OPTIONS, () => undefined);
    expect(cache.stats).toEqual({ hits: 0, validated: 2 });
    expect(readdirSync(dir)).toEqual([]);
  });
});
