/**
 * Commits of one version (docs/upgrading.md). Every commit between two releases carries the same pre-release
 * version (`0.3.0-dev`), so the version alone cannot tell an older commit from a newer one: every stack also records
 * the commit it was deployed from (`GoldsmithCommit`, stacks/trust/release.ts), and a checkout that does not contain
 * the deployed commit is refused like a downgrade.
 */

/** What a deployment of an unknown commit records (a deploy from outside a git checkout). */
export const UNKNOWN_COMMIT = 'unknown';

/**
 * Where a deployed commit stands against this checkout's HEAD: the same commit, an ancestor of HEAD
 * (`git merge-base --is-ancestor DEPLOYED HEAD` exits 0), not one (exits 1: HEAD is older or beside it), or unknown
 * to this clone (not in its history).
 */
export type CommitRelation = 'same' | 'ancestor' | 'not-ancestor' | 'unknown';

/** A commit the stage's stacks record for the checkout's own version, with where it stands against HEAD. */
export interface DeployedCommit {
  commit: string;
  relation: CommitRelation;
}

export interface CommitVerdict {
  ok: boolean;
  line: string;
}

const short = (commit: string) => commit.slice(0, 7);

/**
 * Judges a deploy of HEAD (`checkout`, undefined outside a git checkout) over a stage whose stacks record `deployed`
 * for the same version. Undefined when there is nothing to judge (no stack records a commit). A deployed commit HEAD
 * does not contain, or that this clone does not hold, refuses the deploy: it could put older code over newer.
 */
export function commitVerdict(
  stage: string,
  version: string,
  checkout: string | undefined,
  deployed: readonly DeployedCommit[],
): CommitVerdict | undefined {
  const known = deployed.filter((d) => d.commit !== UNKNOWN_COMMIT);
  if (known.length === 0) return undefined;
  const runs = (d: DeployedCommit) => `stage ${stage} runs ${version} at commit ${short(d.commit)}`;
  if (checkout === undefined) {
    const first = known[0] as DeployedCommit;
    return {
      ok: false,
      line: `${runs(first)}; this checkout is not a git checkout, so whether it contains that commit cannot be told: deploy from a git clone at ${first.commit} or after it`,
    };
  }
  const unknown = known.find((d) => d.relation === 'unknown');
  if (unknown)
    return {
      ok: false,
      line: `${runs(unknown)}, which this clone does not have (not in its history): fetch main (git fetch origin main) or check out ${unknown.commit}, then run again`,
    };
  const older = known.find((d) => d.relation === 'not-ancestor');
  if (older)
    return {
      ok: false,
      line: `${runs(older)}, which this checkout's ${short(checkout)} does not contain (git merge-base --is-ancestor ${short(older.commit)} HEAD: no): an older commit of the same version is refused; check out ${short(older.commit)} or a later commit of main`,
    };
  if (known.every((d) => d.relation === 'same'))
    return { ok: true, line: `${runs(known[0] as DeployedCommit)}, this checkout's commit` };
  const shown = [...new Set(known.map((d) => short(d.commit)))].join(', ');
  return {
    ok: true,
    line: `stage ${stage} runs ${version} at commit ${shown}, which this checkout's ${short(checkout)} contains: deploying it moves the stage forward`,
  };
}

/** What the release check knows of this checkout's git history (cli/checkout.ts reads it). */
export interface CheckoutHistory {
  /** HEAD's commit; undefined outside a git checkout. */
  commit: string | undefined;
  relation(commit: string): CommitRelation;
}

/**
 * Judges the commits the stage's stacks record for the checkout's own `version` (stacks on another release are the
 * release check's business): each distinct commit placed against HEAD once.
 */
export function judgeStageCommits(
  stage: string,
  version: string,
  stacks: readonly { release: string | undefined; commit?: string | undefined }[],
  history: CheckoutHistory,
): CommitVerdict | undefined {
  const commits = new Set<string>();
  for (const s of stacks) if (s.release === version && s.commit !== undefined) commits.add(s.commit);
  const deployed = [...commits].map((commit) => ({
    commit,
    relation: commit === UNKNOWN_COMMIT ? ('unknown' as const) : history.relation(commit),
  }));
  return commitVerdict(stage, version, history.commit, deployed);
}
