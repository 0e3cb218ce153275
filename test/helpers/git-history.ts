import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_DIRS, CODE_FILES, digestSources } from '../../cli/operator/saved-identity.js';

/** `git ARGS` in `root`: stdout as a Buffer; throws naming the command when git fails. */
export function gitIn(root: string, args: readonly string[], input?: string): Buffer {
  const run = spawnSync('git', ['-C', root, ...args], { input, maxBuffer: 1 << 30 });
  if (run.error || run.status !== 0)
    throw new Error(`git ${args.join(' ')} in ${root}: ${run.error?.message ?? run.stderr.toString().trim()}`);
  return run.stdout;
}

/** Whether `root` is inside a git checkout (the tests of CHANGELOG's commits need its history). */
export function isGitCheckout(root: string): boolean {
  return spawnSync('git', ['-C', root, 'rev-parse', '--git-dir']).status === 0;
}

/**
 * The code digest (cli/operator/saved-identity.ts, codeDigest) of `commit`, read from its objects rather than a
 * checkout: its files under CODE_DIRS and CODE_FILES (symbolic links left out, as codeDigest's `isFile` leaves them).
 */
export function codeDigestAt(root: string, commit: string): string {
  const listing = gitIn(root, ['ls-tree', '-r', '-z', commit, '--', ...CODE_DIRS, ...CODE_FILES]).toString();
  const blobs = new Map<string, string>();
  for (const row of listing.split('\0').filter(Boolean)) {
    const [meta, path] = row.split('\t') as [string, string];
    const [mode, type, oid] = meta.split(' ') as [string, string, string];
    if (type === 'blob' && mode !== '120000') blobs.set(path, oid);
  }
  // One `git cat-file --batch` for every blob: `<oid> blob <size>\n<content>\n` each.
  const out = gitIn(root, ['cat-file', '--batch'], `${[...blobs.values()].join('\n')}\n`);
  const contents = new Map<string, Buffer>();
  let at = 0;
  for (const oid of blobs.values()) {
    const eol = out.indexOf(10, at);
    const size = Number(out.subarray(at, eol).toString().split(' ')[2]);
    contents.set(oid, out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return digestSources([...blobs.keys()], (path) => contents.get(blobs.get(path) as string) as Buffer);
}

const AS = ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false'];

/**
 * A git repository in `dir` of three commits on main: `release` (1.0.0), `named` (1.1.0-dev, whose CHANGELOG names
 * the release's commit) and `tip` (1.1.0-dev).
 */
export function releaseRepository(dir: string): { dir: string; release: string; named: string; tip: string } {
  const commit = (version: string, changelog: string): string => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ version }));
    writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
    gitIn(dir, ['add', '.']);
    gitIn(dir, [...AS, 'commit', '-q', '-m', version]);
    return gitIn(dir, ['rev-parse', 'HEAD']).toString().trim();
  };
  gitIn(dir, ['init', '-q', '-b', 'main']);
  const release = commit('1.0.0', '## [Unreleased]\n\n## [1.0.0] — 2027-01-01\n');
  const changelog = `## [Unreleased]\n\n## [1.0.0] — 2027-01-01\n\nCommit: ${release}\n`;
  const named = commit('1.1.0-dev', changelog);
  const tip = commit('1.1.0-dev', `${changelog}\n`);
  return { dir, release, named, tip };
}
