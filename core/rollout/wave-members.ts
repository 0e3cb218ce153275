import type { MovedIn, RolloutRecord } from './record.js';

/**
 * Each account is in one wave per rollout. A wave's accounts are read from the organization as it is when the wave
 * starts, so an account that moved since an earlier wave of this rollout reached it (into a later wave's OU) would be
 * taken again: its second launch template version would reuse the first one's ClientToken with another source
 * version, which EC2 refuses as IdempotentParameterMismatch, the same client token with different parameters
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html). Such an account is left out of the later
 * wave, which records where it went (`movedIn`).
 */

/** Accounts a wave keeps by name among those it left out because an earlier wave reached them (all are counted). */
export const MOVED_NAMES_KEPT = 50;

/**
 * The accounts waves before `index` reached, each with that wave's name: a refresh started, a refusal or a pending
 * answer recorded, or a group skipped there.
 */
export function reachedBefore(record: RolloutRecord, index: number): Map<string, string> {
  const reached = new Map<string, string>();
  const add = (account: string, wave: string) => {
    if (!reached.has(account)) reached.set(account, wave);
  };
  const earlier = new Set<string>();
  for (const w of record.waves.slice(0, Math.max(0, index))) {
    if (w.state === 'pending') continue;
    earlier.add(w.name);
    for (const g of w.groups) add(g.account, w.name);
    for (const f of w.failures ?? []) add(f.account, w.name);
    for (const p of w.pending ?? []) add(p.account, w.name);
  }
  for (const s of record.skippedGroups) if (s.wave !== undefined && earlier.has(s.wave)) add(s.account, s.wave);
  return reached;
}

/**
 * Wave `index`'s accounts (as the organization holds them now) less those an earlier wave of this rollout reached:
 * the accounts it works on, and the ones it left out, with where they were refreshed.
 */
export function waveMembers(
  record: RolloutRecord,
  index: number,
  accounts: readonly string[],
): { accounts: string[]; movedIn?: MovedIn } {
  const reached = reachedBefore(record, index);
  const mine = accounts.filter((a) => !reached.has(a));
  const moved = accounts.flatMap((account) => {
    const wave = reached.get(account);
    return wave === undefined ? [] : [{ account, wave }];
  });
  if (moved.length === 0) return { accounts: mine };
  return { accounts: mine, movedIn: { total: moved.length, accounts: moved.slice(0, MOVED_NAMES_KEPT) } };
}

/**
 * The accounts the organization now holds in the OUs of waves before `index` that none of them reached (a refresh, a
 * refusal, a pending answer or a skipped group), each with the wave whose OUs hold it
 * now: an account that moved into an earlier wave's OUs after that wave had started, or one whose groups began to
 * follow the channel since. Wave `index` takes them, so no account of the channel's waves is left out of the rollout.
 * One without a following group is read again and stays unrecorded.
 */
export function unreachedBefore(
  record: RolloutRecord,
  index: number,
  accounts: readonly (readonly string[])[],
): Map<string, string> {
  const reached = reachedBefore(record, index);
  const unreached = new Map<string, string>();
  accounts.slice(0, Math.max(0, index)).forEach((inOus, i) => {
    const wave = record.waves[i]?.name ?? String(i);
    for (const a of inOus) if (!reached.has(a) && !unreached.has(a)) unreached.set(a, wave);
  });
  return unreached;
}

/**
 * What wave `index` took of `unreached` (unreachedBefore) that it found something in: a group refreshed, refused,
 * pending or skipped. The first 50 are named, all counted.
 */
export function joinedOf(unreached: ReadonlyMap<string, string>, found: Iterable<string>): MovedIn | undefined {
  const seen = new Set(found);
  const joined = [...unreached].flatMap(([account, wave]) => (seen.has(account) ? [{ account, wave }] : []));
  if (joined.length === 0) return undefined;
  return { total: joined.length, accounts: joined.slice(0, MOVED_NAMES_KEPT) };
}

/** One line for a wave's `joined`: `1 account in an earlier wave's OUs that wave never reached (moved there after it started), taken by this wave: 200000000011 (wave-1)`. */
export function joinedText(joined: MovedIn): string {
  const named = joined.accounts.map((m) => `${m.account} (${m.wave})`).join(', ');
  const more = joined.total > joined.accounts.length ? ` and ${joined.total - joined.accounts.length} more` : '';
  const n = joined.total === 1 ? '1 account' : `${joined.total} accounts`;
  return `${n} in an earlier wave's OUs that wave never reached (moved there after it started), taken by this wave: ${named}${more}`;
}

/** One line for a wave's `movedIn`: `1 account moved here after an earlier wave refreshed it, left to that wave: 200000000003 (wave-1)`. */
export function movedInText(moved: MovedIn): string {
  const named = moved.accounts.map((m) => `${m.account} (${m.wave})`).join(', ');
  const more = moved.total > moved.accounts.length ? ` and ${moved.total - moved.accounts.length} more` : '';
  const n = moved.total === 1 ? '1 account' : `${moved.total} accounts`;
  return `${n} moved here after an earlier wave refreshed ${moved.total === 1 ? 'it' : 'them'}, left to that wave: ${named}${more}`;
}
