/**
 * Whether a deploy happened, judged from what the stage records afterwards rather than from `sst deploy`'s exit code:
 * SST 2.49.8's `sst deploy` exits 0 having deployed nothing when no credentials are found. A deploy of this checkout
 * leaves every stack of the stage recording its release and commit (`GoldsmithRelease`, `GoldsmithCommit`) and the
 * release parameter holding its release (stacks/trust/release.ts).
 */

/** What the stage records after `sst deploy`. */
export interface StageRecord {
  /** `/goldsmith-release/<stage>`; undefined when absent. */
  parameter: string | undefined;
  stacks: readonly { name: string; status: string; release: string | undefined; commit?: string | undefined }[];
}

export interface DeployVerdict {
  ok: boolean;
  line: string;
}

const short = (commit: string) => (/^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 7) : commit);
const listed = (names: readonly string[]) =>
  names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;

/**
 * Judges a deploy of `expected` (this checkout's release and commit, "unknown" outside git) into `stage` by what the
 * stage records once `sst deploy` exited with `exit`.
 */
export function deployVerdict(
  stage: string,
  expected: { version: string; commit: string },
  exit: number,
  record: StageRecord,
): DeployVerdict {
  const mine = `${expected.version} at commit ${short(expected.commit)}`;
  if (exit !== 0) return { ok: false, line: `sst deploy --stage ${stage} exited ${exit}: the deploy did not complete` };
  if (record.stacks.length === 0)
    return {
      ok: false,
      line: `sst deploy exited 0 but stage ${stage} has no stacks: the deploy did not happen (sst deploy exits 0 without credentials)`,
    };
  const behind = record.stacks.filter((s) => s.release !== expected.version || s.commit !== expected.commit);
  if (behind.length > 0) {
    const first = behind[0] as StageRecord['stacks'][number];
    return {
      ok: false,
      line: `sst deploy exited 0 but ${listed(behind.map((s) => s.name))} of stage ${stage} record ${first.release ?? 'no release'} at commit ${short(first.commit ?? 'none')}, not this checkout's ${mine}: the deploy did not happen (or not completely)`,
    };
  }
  if (record.parameter !== expected.version)
    return {
      ok: false,
      line: `sst deploy exited 0 but stage ${stage}'s release parameter holds ${record.parameter ?? 'nothing'}, not ${expected.version}: the deploy did not complete`,
    };
  return { ok: true, line: `stage ${stage} runs ${mine}: its ${record.stacks.length} stacks record it` };
}
