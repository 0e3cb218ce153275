import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { captureOutput } from '../../helpers/output.js';

// README and docs/deploy.md: `npx goldsmith validate`, the catalog and every stack synthesized from it, offline,
// measured against AWS's limits (limits.test.ts holds each limit; this is the command a reader runs).
describe('goldsmith validate (the repository catalog, with the synthesis)', () => {
  it('finds the example catalog valid and its synthesized stacks within every limit', async () => {
    const { code, stdout, stderr } = await captureOutput(() => main(['validate']));

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [summary, limits] = stdout.trimEnd().split('\n');
    expect(summary).toMatch(/^goldsmith\.config\.ts: valid — 4 images \(3 AMI, 1 container\), 3 channels /);
    // "AWS limits", not the "catalog-level" line of --catalog-only: the stacks were synthesized and measured.
    expect(limits).toMatch(/^limits: within all \d+ AWS limits; tightest: /);
  }, 120_000);
});
