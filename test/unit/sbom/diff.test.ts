import { describe, expect, it } from 'vitest';
import { diffDigest, diffVersions } from '../../../core/sbom/diff.js';
import { diffLines } from '../../../core/sbom/diff-text.js';
import { baseContent, CURL_FINDING, OPENSSL_FINDING, patchedContent } from '../../fixtures/sbom.js';

describe('diffVersions', () => {
  it('lists a downgrade before upgrades, additions and removals, each with both versions', () => {
    const from = baseContent('1.0.0/3');
    const to = patchedContent('1.0.0/4', {
      packages: [
        { name: 'bash', version: '5.2.15-1.amzn2023.0.1', type: 'rpm' },
        { name: 'curl', version: '8.5.0-1.amzn2023.0.4', type: 'rpm' },
        { name: 'kernel', version: '6.1.112-122.189.amzn2023', type: 'rpm' },
        { name: 'kernel', version: '6.1.115-126.197.amzn2023', type: 'rpm' },
        { name: 'openssl', version: '1:3.0.8-1.amzn2023.0.18', type: 'rpm' },
      ],
    });

    const diff = diffVersions(from, to, { from: [], to: [] });

    expect(diff.packages).toEqual([
      { name: 'bash', change: 'downgraded', from: '5.2.15-1.amzn2023.0.2', to: '5.2.15-1.amzn2023.0.1' },
      {
        name: 'kernel',
        change: 'upgraded',
        from: '6.1.112-122.189.amzn2023',
        to: '6.1.112-122.189.amzn2023, 6.1.115-126.197.amzn2023',
      },
      { name: 'openssl', change: 'upgraded', from: '1:3.0.8-1.amzn2023.0.14', to: '1:3.0.8-1.amzn2023.0.18' },
      { name: 'curl', change: 'added', to: '8.5.0-1.amzn2023.0.4' },
      { name: 'openssl-libs', change: 'removed', from: '1:3.0.8-1.amzn2023.0.14' },
    ]);
  });

  it('calls a package that gains an older version beside a higher decoy a downgrade, listed first; a kernel still upgrades', () => {
    const from = baseContent('1.0.0/3', {
      packages: [
        { name: 'bash', version: '5.2.15-1.amzn2023.0.2', type: 'rpm' },
        { name: 'kernel', version: '6.1.112-122.189.amzn2023', type: 'rpm' },
        { name: 'kernel', version: '6.1.115-126.197.amzn2023', type: 'rpm' },
        { name: 'openssl', version: '1:3.0.16-1.amzn2023.0.1', type: 'rpm' },
      ],
    });
    const to = baseContent('1.0.0/4', {
      packages: [
        { name: 'bash', version: '5.2.15-1.amzn2023.0.1', type: 'rpm' },
        { name: 'kernel', version: '6.1.109-118.189.amzn2023', type: 'rpm' },
        { name: 'kernel', version: '6.1.119-129.201.amzn2023', type: 'rpm' },
        { name: 'openssl', version: '1:3.0.8-1.amzn2023.0.18', type: 'rpm' },
        { name: 'openssl', version: '9:99', type: 'rpm' },
      ],
    });
    // Holding the old version on beside the decoy is no upgrade either.
    const beside = baseContent('1.0.0/5', {
      packages: [
        { name: 'openssl', version: '1:3.0.16-1.amzn2023.0.1', type: 'rpm' },
        { name: 'openssl', version: '1:3.0.8-1.amzn2023.0.18', type: 'rpm' },
      ],
    });

    expect(diffVersions(from, to, { from: [], to: [] }).packages).toEqual([
      { name: 'bash', change: 'downgraded', from: '5.2.15-1.amzn2023.0.2', to: '5.2.15-1.amzn2023.0.1' },
      {
        name: 'openssl',
        change: 'downgraded',
        from: '1:3.0.16-1.amzn2023.0.1',
        to: '1:3.0.8-1.amzn2023.0.18, 9:99',
      },
      {
        name: 'kernel',
        change: 'upgraded',
        from: '6.1.112-122.189.amzn2023, 6.1.115-126.197.amzn2023',
        to: '6.1.109-118.189.amzn2023, 6.1.119-129.201.amzn2023',
      },
    ]);
    expect(diffVersions(from, beside, { from: [], to: [] }).packages).toContainEqual({
      name: 'openssl',
      change: 'downgraded',
      from: '1:3.0.16-1.amzn2023.0.1',
      to: '1:3.0.8-1.amzn2023.0.18, 1:3.0.16-1.amzn2023.0.1',
    });
  });

  it('orders versions as the package manager does, not as text (release .0.9 is older than .0.10)', () => {
    const from = baseContent('1.0.0/3', {
      packages: [{ name: 'zlib', version: '1.2.11-33.amzn2023.0.10', type: 'rpm' }],
    });
    const to = baseContent('1.0.0/4', { packages: [{ name: 'zlib', version: '1.2.11-33.amzn2023.0.9', type: 'rpm' }] });

    expect(diffVersions(from, to, { from: [], to: [] }).packages[0]?.change).toBe('downgraded');
  });

  it('counts an epoch only when both versions state one: a release notice without it is an upgrade, not a downgrade', () => {
    const from = baseContent('1.0.0/3', {
      packages: [{ name: 'openssl', version: '1:3.0.8-1.amzn2023.0.18', type: 'rpm' }],
    });
    const to = baseContent('1.0.0/4', { packages: [{ name: 'openssl', version: '3.0.16', type: 'rpm' }] });
    const stated = baseContent('1.0.0/5', {
      packages: [{ name: 'openssl', version: '2:3.0.2-1.amzn2023.0.1', type: 'rpm' }],
    });

    expect(diffVersions(from, to, { from: [], to: [] }).packages[0]?.change).toBe('upgraded');
    expect(diffVersions(from, stated, { from: [], to: [] }).packages[0]?.change).toBe('upgraded');
    expect(diffVersions(stated, from, { from: [], to: [] }).packages[0]?.change).toBe('downgraded');
  });

  it('names the findings fixed and new, most severe first, and one that reappeared after an earlier fix', () => {
    const critical = {
      id: 'CVE-2024-6387',
      severity: 'CRITICAL' as const,
      packages: ['openssh 8.7p1-8.amzn2023.0.10'],
    };
    const diff = diffVersions(baseContent('1.0.0/3'), patchedContent('1.0.0/4'), {
      from: [OPENSSL_FINDING],
      to: [CURL_FINDING, critical],
      earlier: [critical],
    });

    expect(diff.findings).toEqual([
      { ...critical, change: 'reappeared' },
      { ...OPENSSL_FINDING, change: 'fixed' },
      { ...CURL_FINDING, change: 'new' },
    ]);
  });

  it('says a side has no package list (a container Inspector does not cover) instead of listing every package', () => {
    const from = baseContent('1.0.0/3');
    const to = patchedContent('1.0.0/4', { packages: [], packageSource: 'none' });

    const diff = diffVersions(from, to, { from: [], to: [] });

    expect(diff.packagesUnknown).toBe('to');
    expect(diff.packages).toEqual([]);
  });

  it('names the recipe, parent and component changes', () => {
    const to = patchedContent('1.0.1/1', {
      recipe: { name: 'goldsmith-base', version: '1.0.1' },
      parent: 'ami-0fedcba9876543210',
      components: [
        {
          name: 'update-linux',
          version: '1.0.3',
          arn: 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.3/1',
        },
        {
          name: 'goldsmith-cis',
          version: '2.0.0',
          arn: 'arn:aws:imagebuilder:us-east-1:123456789012:component/goldsmith-cis/2.0.0/1',
        },
      ],
    });

    const diff = diffVersions(baseContent('1.0.0/3'), to, { from: [], to: [] });

    expect(diff.recipe).toEqual({ from: 'goldsmith-base/1.0.0', to: 'goldsmith-base/1.0.1' });
    expect(diff.parent).toEqual({ from: 'ami-0123456789abcdef0', to: 'ami-0fedcba9876543210' });
    expect(diff.components).toEqual([
      { name: 'update-linux', change: 'changed', from: '1.0.2', to: '1.0.3' },
      { name: 'goldsmith-cis', change: 'added', to: '2.0.0' },
      { name: 'goldsmith-hardening', change: 'removed', from: '1.0.0' },
    ]);
  });

  describe('the parent of a child of a catalog image', () => {
    const POINTER = 'ssm:/goldsmith/base/prod';
    const child = (version: string, parentVersion?: string, ami?: string) =>
      baseContent(version, {
        image: 'app',
        parent: POINTER,
        ...(parentVersion ? { parentBuild: { image: 'base', channel: 'prod', version: parentVersion, ami } } : {}),
      });

    it('shows the parent build moving through the same pointer, with its AMI', () => {
      const diff = diffVersions(child('1.0.0/1', '1.0.0/3', 'ami-03'), child('1.0.0/2', '1.0.0/4', 'ami-04'), {
        from: [],
        to: [],
      });

      expect(diff.parent).toEqual({ from: 'base 1.0.0/3 (ami-03)', to: 'base 1.0.0/4 (ami-04)' });
      expect(diffLines(diff)).toContain('parent: base 1.0.0/3 (ami-03) → base 1.0.0/4 (ami-04)');
    });

    it('is unchanged when both were built from the same parent build', () => {
      const diff = diffVersions(child('1.0.0/1', '1.0.0/4', 'ami-04'), child('1.0.0/2', '1.0.0/4', 'ami-04'), {
        from: [],
        to: [],
      });

      expect(diff.parent).toBeUndefined();
    });

    it('says what is unknown for content recorded before the parent build was, and never "unchanged"', () => {
      const older = diffVersions(child('1.0.0/1'), child('1.0.0/2', '1.0.0/4', 'ami-04'), { from: [], to: [] });
      const both = diffVersions(child('1.0.0/1'), child('1.0.0/2'), { from: [], to: [] });

      expect(diffLines(older)).toContain(
        'parent: ssm:/goldsmith/base/prod at a version not recorded → base 1.0.0/4 (ami-04)',
      );
      expect(diffLines(both)).toContain(
        'parent: unknown whether it moved (ssm:/goldsmith/base/prod at a version not recorded)',
      );
    });
  });

  it('finds nothing to say about a rebuild of the same content', () => {
    const diff = diffVersions(baseContent('1.0.0/3'), baseContent('1.0.0/4'), {
      from: [OPENSSL_FINDING],
      to: [OPENSSL_FINDING],
    });

    expect(diff).toEqual({ image: 'base', from: '1.0.0/3', to: '1.0.0/4', components: [], packages: [], findings: [] });
  });

  it('refuses two versions of different images', () => {
    expect(() =>
      diffVersions(baseContent('1.0.0/3'), baseContent('1.0.0/4', { image: 'web' }), { from: [], to: [] }),
    ).toThrow('from is base, to is web');
  });
});

describe('diffDigest', () => {
  it('is the same after a JSON round trip and for the same diff built in another order', () => {
    const diff = diffVersions(baseContent('1.0.0/3'), patchedContent('1.0.0/4'), { from: [OPENSSL_FINDING], to: [] });
    const again = diffVersions(
      baseContent('1.0.0/3', { packages: [...baseContent('1.0.0/3').packages].reverse() }),
      patchedContent('1.0.0/4'),
      { from: [OPENSSL_FINDING], to: [] },
    );

    expect(diffDigest(JSON.parse(JSON.stringify(diff)))).toBe(diffDigest(diff));
    expect(diffDigest(again)).toBe(diffDigest(diff));
    expect(diffDigest(diff)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when what the version changes changes', () => {
    const one = diffVersions(baseContent('1.0.0/3'), patchedContent('1.0.0/4'), { from: [OPENSSL_FINDING], to: [] });
    const other = diffVersions(baseContent('1.0.0/3'), patchedContent('1.0.0/4'), { from: [], to: [] });

    expect(diffDigest(one)).not.toBe(diffDigest(other));
  });
});
