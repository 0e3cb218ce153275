import { describe, expect, it } from 'vitest';
import { changesUnknown, diffCommand, firstInChannel, summariseDiff } from '../../../core/sbom/approval-summary.js';
import { changesBrief, changesLine } from '../../../core/sbom/changes-text.js';
import { CHANGES_BOUNDS } from '../../../events/approval-changes.js';
import { parseNotification } from '../../../events/notification.js';
import { approvalRequestWith, bigDiff, PATCH_DIFF, PATCH_DIGEST } from '../../fixtures/sbom-changes.js';

describe('the approval request summary of a diff', () => {
  it('puts the downgrade first, then the critical and the high CVE fixed, before upgrades and the rest', () => {
    const s = summariseDiff(PATCH_DIFF, PATCH_DIGEST, 'prod');

    expect(s.kind === 'diff' && s.top).toEqual([
      'downgraded glibc 2.34-100.amzn2023 → 2.34-90.amzn2023',
      'fixed CVE-2026-0001 (critical): openssl-libs 3.0.8-1.amzn2023.0.16',
      'fixed CVE-2026-0002 (high): openssl-libs 3.0.8-1.amzn2023.0.16',
      'upgraded curl 8.5.0-1.amzn2023.0.2 → 8.5.0-1.amzn2023.0.4',
      'upgraded openssl-libs 1:3.0.8-1.amzn2023.0.16 → 1:3.0.8-1.amzn2023.0.18',
      'component goldsmith-hardening 1.0.0 → 1.0.1',
      'added jq 1.7.1-1.amzn2023',
      'removed telnet 0.17-85.amzn2023',
      'fixed CVE-2026-0003 (medium): curl 8.5.0-1.amzn2023.0.2',
      'new CVE-2026-0004 (low): jq 1.7.1-1.amzn2023',
    ]);
  });

  it('counts packages by change and findings by severity, and names the digest and the diff command', () => {
    const s = summariseDiff(PATCH_DIFF, PATCH_DIGEST, 'prod');

    expect(s).toMatchObject({
      kind: 'diff',
      against: '1.0.0/2',
      packages: { added: 1, removed: 1, upgraded: 2, downgraded: 1 },
      components: 1,
      findings: {
        fixed: { critical: 1, high: 1, medium: 1, low: 0, other: 0 },
        new: { critical: 0, high: 0, medium: 0, low: 1, other: 0 },
        reappeared: { critical: 0, high: 0, medium: 0, low: 0, other: 0 },
      },
      more: 0,
      digest: PATCH_DIGEST,
      command: 'goldsmith diff base 1.0.0/2 1.0.0/3 --stage prod',
    });
    expect(changesLine(s)).toBe(
      'against 1.0.0/2: packages 2 upgraded, 1 downgraded, 1 added, 1 removed; CVEs fixed 3 (1 critical, 1 high, 1 medium), new 1 (1 low), reappeared 0; 1 component changed',
    );
  });

  it('stays bounded for a 2,000-package diff: ten lines, each clipped, the rest counted, the event small', () => {
    const s = summariseDiff(bigDiff(2000), PATCH_DIGEST, 'prod');
    if (s.kind !== 'diff') throw new Error('expected a diff');

    expect(s.top).toHaveLength(CHANGES_BOUNDS.topLines);
    expect(s.more).toBe(4000 - CHANGES_BOUNDS.topLines);
    expect(s.top.every((l) => l.length <= CHANGES_BOUNDS.lineChars)).toBe(true);
    // High CVEs fixed come before every upgrade and every medium CVE.
    expect(s.top.every((l) => l.startsWith('fixed') && l.includes('(high)'))).toBe(true);
    const n = approvalRequestWith(s);
    expect(parseNotification(JSON.parse(JSON.stringify(n))).ok).toBe(true);
    expect(JSON.stringify(n).length).toBeLessThan(8 * 1024);
  });

  it('clips a line past the bound with an ellipsis, and the event still parses', () => {
    const long = {
      ...PATCH_DIFF,
      packages: [{ name: 'x'.repeat(500), change: 'added' as const, to: '1' }],
      components: [],
      findings: [],
    };
    const s = summariseDiff(long, PATCH_DIGEST, 'prod');
    if (s.kind !== 'diff') throw new Error('expected a diff');

    expect(s.top[0]).toHaveLength(CHANGES_BOUNDS.lineChars);
    expect(s.top[0]?.endsWith('…')).toBe(true);
    expect(parseNotification(JSON.parse(JSON.stringify(approvalRequestWith(s)))).ok).toBe(true);
  });

  it('says when the findings were not compared, first', () => {
    const s = summariseDiff(PATCH_DIFF, PATCH_DIGEST, 'prod', 'no scan recorded for 1.0.0/2');

    expect(s.kind === 'diff' && s.top[0]).toBe('findings not compared: no scan recorded for 1.0.0/2');
    expect(s.kind === 'diff' && s.more).toBe(1);
  });

  it('in brief, the counts and the first three lines; packages unknown are not counted as none', () => {
    const s = summariseDiff(PATCH_DIFF, PATCH_DIGEST, 'prod');

    expect(changesBrief(s)).toBe(
      `changes ${changesLine(s)}; downgraded glibc 2.34-100.amzn2023 → 2.34-90.amzn2023; fixed CVE-2026-0001 (critical): openssl-libs 3.0.8-1.amzn2023.0.16; fixed CVE-2026-0002 (high): openssl-libs 3.0.8-1.amzn2023.0.16; …and 7 more`,
    );
    const unknown = summariseDiff(
      { ...PATCH_DIFF, packages: [], findings: [], components: [], packagesUnknown: 'both' },
      PATCH_DIGEST,
      'prod',
    );
    expect(changesLine(unknown)).toBe(
      'against 1.0.0/2: packages unknown for both versions; CVEs fixed 0, new 0, reappeared 0',
    );
  });

  it("says a channel's first version and a diff it could not make in words", () => {
    expect(changesLine(firstInChannel('prod'))).toBe('first version in prod');
    expect(changesLine(changesUnknown('no content recorded for base 1.0.0/2', '1.0.0/2'))).toBe(
      'changes unknown: no content recorded for base 1.0.0/2',
    );
    expect(diffCommand('base', '1.0.0/2', '1.0.0/3', 'dev')).toBe('goldsmith diff base 1.0.0/2 1.0.0/3 --stage dev');
  });
});
