import { describe, expect, it } from 'vitest';
import { PREVIOUS_RELEASE, RELEASE_OF_CODE, savedRelease, savedUpgrade } from '../../../cli/operator/saved-release.js';

const DIR = '/tmp/saved';
const judge = (release: string | undefined, to: string, upgrading = true) =>
  savedUpgrade(DIR, { code: 'f'.repeat(64), ...(release ? { release } : {}) }, upgrading, to);

describe('which saved clouds a release upgrades', () => {
  it('upgrades a cloud saved by the previous release, or by its own release with other code', () => {
    expect(judge(PREVIOUS_RELEASE, '9.0.0')).toEqual({ from: PREVIOUS_RELEASE, to: '9.0.0' });
    expect(judge('9.0.0', '9.0.0')).toEqual({ from: '9.0.0', to: '9.0.0' });
  });

  it('names a save of 0.2.0, which recorded no release, by its code digest', () => {
    const [code] = Object.keys(RELEASE_OF_CODE);
    expect(savedRelease({ code })).toBe('0.2.0');
    expect(savedRelease({ code: 'f'.repeat(64) })).toBeUndefined();
    expect(savedRelease({ code, release: '0.3.0' })).toBe('0.3.0');
  });

  it.each([
    [
      'a release it does not upgrade from',
      '0.1.0',
      `${DIR} was saved by Goldsmith 0.1.0; this 9.0.0 upgrades a cloud saved by ${PREVIOUS_RELEASE} or 9.0.0 only: re-run "goldsmith simulate --save ${DIR}"`,
    ],
    [
      'a newer release',
      '9.1.0',
      `${DIR} was saved by Goldsmith 9.1.0, newer than this 9.0.0: a saved cloud is not downgraded (open it with 9.1.0 or later, or re-run "goldsmith simulate --save ${DIR}")`,
    ],
    [
      'no release',
      undefined,
      `${DIR} was saved by a Goldsmith that recorded no release (its code differs from this 9.0.0's), which cannot be upgraded: re-run "goldsmith simulate --save ${DIR}"`,
    ],
  ])('refuses a cloud saved by %s, naming both, in one line', (_what, release, line) => {
    expect(() => judge(release, '9.0.0')).toThrow(line);
  });

  it('refuses an upgradable cloud to a command that does not upgrade, pointing at the one that does', () => {
    expect(() => judge(PREVIOUS_RELEASE, '9.0.0', false)).toThrow(
      `${DIR} was saved by Goldsmith ${PREVIOUS_RELEASE} (other code than this 9.0.0's): upgrade it first with "goldsmith simulate --resume ${DIR}"`,
    );
  });
});
