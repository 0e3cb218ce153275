/**
 * Package versions compared the way the package manager that installs them does: RPM's `rpmvercmp` for `rpm`
 * packages (Amazon Linux), dpkg's for `deb`. Pure.
 */

const isDigit = (c: string) => c >= '0' && c <= '9';
const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const sign = (n: number): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Two runs of digits as numbers of any length: leading zeros dropped, then the longer wins, then digit by digit. */
function compareDigits(a: string, b: string): -1 | 0 | 1 {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length > y.length ? 1 : -1;
  return x === y ? 0 : x > y ? 1 : -1;
}

/** The run of characters from `at` that `keep` accepts. */
function runOf(s: string, at: number, keep: (c: string) => boolean): string {
  let end = at;
  while (end < s.length && keep(s.charAt(end))) end++;
  return s.slice(at, end);
}

/**
 * RPM's `rpmvercmp` of one VERSION or RELEASE string. rpm-version(7)
 * (https://man7.org/linux/man-pages/man7/rpm-version.7.html): the string is cut into alphanumeric segments at any
 * other character; numeric segments compare as numbers, alphabetic ones as ASCII, a numeric segment is newer than an
 * alphabetic one; "a tilde (~) sorts before everything else", so `1.0~rc1` < `1.0`; a caret (^) sorts after the end of
 * the string but before any other segment, so `1.0` < `1.0^git1` < `1.0.1`. The cases of RPM's own test suite
 * (https://github.com/rpm-software-management/rpm/blob/master/tests/rpmvercmp.at) are in the unit test.
 */
export function rpmVerCmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const skippable = (c: string) => c !== '' && !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';
  while (i < a.length || j < b.length) {
    while (skippable(a.charAt(i))) i++;
    while (skippable(b.charAt(j))) j++;
    const x = a.charAt(i);
    const y = b.charAt(j);
    if (x === '~' || y === '~') {
      if (x !== '~') return 1;
      if (y !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (x === '^' || y === '^') {
      if (x === '') return -1;
      if (y === '') return 1;
      if (x !== '^') return 1;
      if (y !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (x === '' || y === '') break;
    const numeric = isDigit(x);
    const keep = numeric ? isDigit : isAlpha;
    const segA = runOf(a, i, keep);
    const segB = runOf(b, j, keep);
    // Segments of different kinds: the numeric one is newer.
    if (segB === '') return numeric ? 1 : -1;
    const c = numeric ? compareDigits(segA, segB) : segA === segB ? 0 : segA > segB ? 1 : -1;
    if (c !== 0) return c;
    i += segA.length;
    j += segB.length;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** An `[epoch:]version[-release]` label cut as both RPM and dpkg cut it: epoch to the first colon, release from the last dash. */
interface Evr {
  epoch: string;
  version: string;
  release: string;
}

function splitEvr(label: string): Evr {
  let rest = label;
  let epoch = '0';
  const colon = label.indexOf(':');
  if (colon >= 0 && /^\d*$/.test(label.slice(0, colon))) {
    epoch = label.slice(0, colon) || '0';
    rest = label.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  return dash >= 0
    ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) }
    : { epoch, version: rest, release: '' };
}

/** Two RPM labels `[EPOCH:]VERSION[-RELEASE]` (rpm-version(7)): epoch as a number (absent = 0), then version, then release. */
export function compareRpm(a: string, b: string): -1 | 0 | 1 {
  const x = splitEvr(a);
  const y = splitEvr(b);
  return compareDigits(x.epoch, y.epoch) || rpmVerCmp(x.version, y.version) || rpmVerCmp(x.release, y.release);
}

/**
 * dpkg's weight of a character in a non-digit part. Debian Policy 5.6.12
 * (https://www.debian.org/doc/debian-policy/ch-controlfields.html#version): "a comparison of ASCII values modified
 * so that all the letters sort earlier than all the non-letters and so that a tilde sorts before anything, even the
 * end of a part". The end of the string weighs 0, like a digit (where the non-digit part ends).
 */
function debWeight(c: string): number {
  if (c === '' || isDigit(c)) return 0;
  if (isAlpha(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/**
 * Debian Policy 5.6.12's comparison of an upstream_version or a debian_revision: alternately the initial non-digit
 * part (by `debWeight`, character by character) and the initial digit part (as numbers, empty = 0).
 */
export function debVerCmp(a: string, b: string): -1 | 0 | 1 {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charAt(i))) || (j < b.length && !isDigit(b.charAt(j)))) {
      const wa = debWeight(a.charAt(i));
      const wb = debWeight(b.charAt(j));
      if (wa !== wb) return sign(wa - wb);
      i++;
      j++;
    }
    const da = runOf(a, i, isDigit);
    const db = runOf(b, j, isDigit);
    const c = compareDigits(da || '0', db || '0');
    if (c !== 0) return c;
    i += da.length;
    j += db.length;
  }
  return 0;
}

/**
 * Two Debian versions `[epoch:]upstream_version[-debian_revision]` (Debian Policy 5.6.12): epoch as a number, then
 * upstream_version, then debian_revision ("absence of a debian_revision is equivalent to a debian_revision of 0").
 */
export function compareDeb(a: string, b: string): -1 | 0 | 1 {
  const x = splitEvr(a);
  const y = splitEvr(b);
  return (
    compareDigits(x.epoch, y.epoch) || debVerCmp(x.version, y.version) || debVerCmp(x.release || '0', y.release || '0')
  );
}

/**
 * A package's type as recorded, else as its version's distribution tag tells (Image Builder's package lists name no
 * type): `rpm` for Amazon Linux, RHEL and Fedora releases (`.amzn2023`, `.el9`, `.fc40`), `deb` for Debian and
 * Ubuntu ones (`ubuntu`, `deb12u1`); undefined when neither.
 */
export function packageTypeOf(p: { version: string; type?: string | undefined }): string | undefined {
  if (p.type) return p.type.toLowerCase();
  if (/\.(amzn|el|fc)\d/.test(p.version)) return 'rpm';
  if (/ubuntu|deb\d+u\d/.test(p.version)) return 'deb';
  return undefined;
}

/**
 * Two versions of one package, ordered by its package type (`deb`: dpkg; `rpm` and any other or unknown type: RPM's
 * segment comparison, which orders dotted numeric versions as a reader expects). Negative when `a` is older.
 */
export function comparePackageVersions(a: string, b: string, type?: string): -1 | 0 | 1 {
  return type === 'deb' ? compareDeb(a, b) : compareRpm(a, b);
}
