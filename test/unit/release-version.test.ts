import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDSMITH_VERSION } from '../../events/release.js';

describe('the release this checkout is', () => {
  it("is package.json's and package-lock.json's version", () => {
    const read = (file: string) =>
      JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as { version: string };
    expect(GOLDSMITH_VERSION).toBe(read('package.json').version);
    expect(GOLDSMITH_VERSION).toBe(read('package-lock.json').version);
  });
});
