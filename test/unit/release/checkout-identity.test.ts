import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkoutIdentity, commitRelation, headCommit } from '../../../cli/checkout.js';
import { main } from '../../../cli/main.js';
import { versionLine } from '../../../core/release/changelog.js';
import { GOLDSMITH_VERSION } from '../../../core/release/index.js';
import { gitIn, releaseRepository } from '../../helpers/git-history.js';
import { captureOutput } from '../../helpers/output.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
describe("goldsmith --version: the checkout's commit against CHANGELOG's releases", () => {
  it('counts the commits after the release on main, and knows the release commit from main when checked out', () => {
    const { dir, release, named, tip } = releaseRepository(testTempDir('goldsmith-checkout-'));
    expect(versionLine(checkoutIdentity(dir, '1.1.0-dev'))).toBe(
      `goldsmith 1.1.0-dev (commit ${tip.slice(0, 7)}, 2 commits after 1.0.0 @ ${release.slice(0, 7)}; not a release)`,
    );
    // The release commit's own CHANGELOG cannot name it: main's does.
    gitIn(dir, ['checkout', '-q', '--detach', release]);
    expect(versionLine(checkoutIdentity(dir, '1.0.0'))).toBe(
      `goldsmith 1.0.0 (commit ${release.slice(0, 7)}: the 1.0.0 release)`,
    );
    expect(commitRelation(named, dir)).toBe('not-ancestor');
    expect(commitRelation(release, dir)).toBe('same');
    expect(commitRelation('f'.repeat(40), dir)).toBe('unknown');
    gitIn(dir, ['checkout', '-q', 'main']);
    expect(commitRelation(release, dir)).toBe('ancestor');
  });

  it('is the version alone outside a git checkout, and in a copy inside another repository', () => {
    const dir = testTempDir('goldsmith-no-git-');
    expect(headCommit(dir)).toBeUndefined();
    const { dir: other } = releaseRepository(testTempDir('goldsmith-other-'));
    const inside = join(other, 'vendor', 'goldsmith');
    mkdirSync(inside, { recursive: true });
    expect(headCommit(inside)).toBeUndefined();
    expect(versionLine(checkoutIdentity(inside, '1.1.0-dev'))).toBe('goldsmith 1.1.0-dev');
    expect(commitRelation('f'.repeat(40), dir)).toBe('unknown');
    expect(versionLine(checkoutIdentity(dir, '1.1.0-dev'))).toBe('goldsmith 1.1.0-dev');
  });

  it("prints this checkout's line, and the same as JSON with --json", async () => {
    const text = await captureOutput(() => main(['--version']));
    expect(text).toMatchObject({ code: 0, stderr: '' });
    const top = gitIn(ROOT, ['rev-parse', '--show-toplevel']).toString().trim();
    if (realpathSync(top) !== realpathSync(ROOT)) {
      // A copy inside the checkout, as `npm run mutation`'s sandbox (.stryker-tmp/): the version alone, as for any
      // copy inside another repository (above).
      expect(text.stdout).toBe(`goldsmith ${GOLDSMITH_VERSION}\n`);
      return;
    }
    const head = gitIn(ROOT, ['rev-parse', 'HEAD']).toString().trim();
    expect(text.stdout).toMatch(
      new RegExp(
        `^goldsmith ${GOLDSMITH_VERSION.replaceAll('.', '\\.')} \\(commit ${head.slice(0, 7)}, \\d+ commits? after 0\\.2\\.0 @ 4a6a6b6; not a release\\)\\n$`,
      ),
    );
    const json = await captureOutput(() => main(['--version', '--json']));
    expect(JSON.parse(json.stdout)).toMatchObject({
      version: GOLDSMITH_VERSION,
      commit: head,
      release: false,
      after: { version: '0.2.0', commit: '4a6a6b60fac4fc7b8c3dfe03afc5878f55c3010a' },
    });
  });
});
