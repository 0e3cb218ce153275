import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RELEASE_OF_CODE } from '../../../cli/operator/saved-release.js';
import { changelogReleases, versionLine, versionReport } from '../../../core/release/changelog.js';
import { GOLDSMITH_VERSION } from '../../../core/release/index.js';
import { codeDigestAt, gitIn, isGitCheckout } from '../../helpers/git-history.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const released = () => changelogReleases(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'));

/** The tests below read this repository's history: `npm test` runs in a clone (CI: a fresh `git clone` of main). */
function requireHistory(): void {
  if (!isGitCheckout(ROOT))
    throw new Error(
      `${ROOT} is not a git checkout: CHANGELOG.md's release commits can only be checked in a clone (git clone, not an archive)`,
    );
}

describe("CHANGELOG.md names each release's commit", () => {
  it('every released heading names a commit this repository holds, whose package.json is that version', () => {
    requireHistory();
    const releases = released();
    expect(releases.map((r) => r.version)).toEqual(expect.arrayContaining(['0.2.0', '0.1.0']));
    // The release commit itself cannot name its own hash: its heading, the newest, goes without one while
    // package.json is that release (docs/upgrading.md, "Cutting a release"); the next commit names it.
    const cutting = releases[0]?.commit === undefined && releases[0]?.version === GOLDSMITH_VERSION;
    for (const release of cutting ? releases.slice(1) : releases) {
      expect(release.commit, `CHANGELOG.md:${release.line} [${release.version}] names no "Commit: <40 hex>"`).toMatch(
        /^[0-9a-f]{40}$/,
      );
      const commit = release.commit as string;
      gitIn(ROOT, ['cat-file', '-e', `${commit}^{commit}`]);
      const manifest = JSON.parse(gitIn(ROOT, ['show', `${commit}:package.json`]).toString()) as { version: string };
      expect(`${release.version} at ${commit}: ${manifest.version}`).toBe(
        `${release.version} at ${commit}: ${release.version}`,
      );
    }
  });

  it("0.2.0's commit has the code digest the 0.2.0 saved cloud records; the commit that set the version has another", () => {
    requireHistory();
    const state = JSON.parse(
      gunzipSync(readFileSync(join(ROOT, 'test/fixtures/upgrade/0.2.0/state.json.gz'))).toString(),
    ) as { identity: { code: string } };
    expect(RELEASE_OF_CODE[state.identity.code]).toBe('0.2.0');
    const commit = released().find((r) => r.version === '0.2.0')?.commit as string;
    expect(codeDigestAt(ROOT, commit)).toBe(state.identity.code);
    // "Release 0.2.0…", which set package.json's version, is older code than the release the fixture was saved by.
    expect(codeDigestAt(ROOT, '5e6d40bea3bca1fc36c7dcd49a2f101feaffc04b')).not.toBe(state.identity.code);
  });
});

describe('changelogReleases', () => {
  const text = [
    '# Changelog',
    '## [Unreleased]',
    '## [1.1.0] — 2027-01-02',
    '',
    'Commit: 1111111111111111111111111111111111111111 (how it was found)',
    '## [1.0.0] Commit: 2222222222222222222222222222222222222222',
    'text',
    '## [0.9.0]',
    '',
    'Commit: none recorded (no history before the import)',
    '## [0.8.0]',
    'Commit: 12345 is too short',
  ].join('\n');

  it('reads the commit under the heading or on it, a reason where none is recorded, and nothing else', () => {
    expect(changelogReleases(text)).toEqual([
      { version: '1.1.0', line: 3, commit: '1111111111111111111111111111111111111111' },
      { version: '1.0.0', line: 6, commit: '2222222222222222222222222222222222222222' },
      { version: '0.9.0', line: 8, noCommit: 'no history before the import' },
      { version: '0.8.0', line: 11 },
    ]);
  });
});

describe('versionLine', () => {
  const R2 = '4a6a6b60fac4fc7b8c3dfe03afc5878f55c3010a';
  const R1 = '0df5bee70b17139fa608eb7618114eb1e67b3163';
  const HEAD = 'abc1234def567890abc1234def567890abc12345';

  it('names the commits after the newest release HEAD contains, and says a pre-release is not a release', () => {
    const id = {
      version: '0.3.0-dev',
      commit: HEAD,
      releases: [
        { version: '0.1.0', commit: R1, ancestor: true, distance: 200 },
        { version: '0.2.0', commit: R2, ancestor: true, distance: 12 },
      ],
    };
    expect(versionLine(id)).toBe(
      'goldsmith 0.3.0-dev (commit abc1234, 12 commits after 0.2.0 @ 4a6a6b6; not a release)',
    );
    expect(versionReport(id)).toEqual({
      version: '0.3.0-dev',
      commit: HEAD,
      release: false,
      after: { version: '0.2.0', commit: R2, commits: 12 },
    });
  });

  it("says the release at its own commit, and not at another commit of the release's version", () => {
    const releases = [
      { version: '0.1.0', commit: R1, ancestor: true, distance: 41 },
      { version: '0.2.0', commit: R2, ancestor: true, distance: 0 },
    ];
    expect(versionLine({ version: '0.2.0', commit: R2, releases })).toBe(
      'goldsmith 0.2.0 (commit 4a6a6b6: the 0.2.0 release)',
    );
    const before = [releases[0] as (typeof releases)[0], { version: '0.2.0', commit: R2, ancestor: false }];
    expect(versionLine({ version: '0.2.0', commit: HEAD, releases: before })).toBe(
      'goldsmith 0.2.0 (commit abc1234, 41 commits after 0.1.0 @ 0df5bee; not the 0.2.0 release, which is 4a6a6b6)',
    );
    expect(versionLine({ version: '0.4.0', commit: HEAD, releases: [] })).toBe(
      'goldsmith 0.4.0 (commit abc1234, after no recorded release; CHANGELOG records no commit for 0.4.0)',
    );
  });

  it('is the version alone outside a git checkout', () => {
    expect(versionLine({ version: '0.3.0-dev', releases: [] })).toBe('goldsmith 0.3.0-dev');
    expect(versionReport({ version: '0.3.0-dev', releases: [] })).toEqual({
      version: '0.3.0-dev',
      commit: null,
      release: false,
      after: null,
    });
  });
});
