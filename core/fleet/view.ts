import { rollbackSk } from '../ledger/keys.js';
import { compareBuildVersions, type LedgerItem, fieldText as text } from '../status/image-view.js';
import { lastMoveBack, type RevokedMove, type RolledBackMove, revocationsByVersion } from '../status/pointer-moves.js';
import { withoutSuperseded } from './readings.js';
import { confirmedRefreshes, withRefreshes } from './refreshes.js';

/**
 * Which versions of an image the organization runs, as the ledger's usage observations (`USAGE#`, from EC2's image
 * usage reports) say: every account and instance counted against where its version stands now — the version the
 * last channel's pointer names (current), the one it named before (one behind), an older promoted one, a revoked
 * one, or one retention retired. Pure.
 */

export type VersionStanding = 'current' | 'one-behind' | 'older' | 'revoked' | 'retired' | 'never-promoted';

/**
 * The standings an account is behind on, the ones to chase: an older, revoked, retired or never-promoted version. One
 * behind is not: it is the version the pointer named until its last move, which the fleet is still rolling from.
 * `fleet`'s headline and its per-OU "behind" lists both count by it.
 */
export const LAGGING: ReadonlySet<VersionStanding> = new Set(['older', 'revoked', 'retired', 'never-promoted']);

export interface FleetVersion {
  version: string;
  standing: VersionStanding;
  accounts: number;
  instances: number;
  launchTemplates: number;
  /** The oldest observation counted (reports are asynchronous: about a day old). */
  observedAt: string;
}

export interface ImageFleet {
  image: string;
  /** The channel the standings are measured against (the image's last channel). */
  channel: string;
  current?: string | undefined;
  /**
   * How the channel's pointer last moved back, as `status` tells it: a revocation rolled it back or left it empty,
   * or an operator rolled it back. Absent when it never did.
   */
  movedBack?: {
    revoked?: RevokedMove;
    rolledBack?: RolledBackMove;
    /**
     * When a promotion, not the revocation, moved the pointer to the version it names now: the revocation withdrew
     * the pointer or moved it to another version, and a later promotion brought the current one (the pointer's time).
     */
    promotedAt?: string;
  };
  versions: FleetVersion[];
  /** Per standing: distinct accounts and instances (an account on two versions counts under both). */
  totals: Record<VersionStanding, { accounts: number; instances: number }>;
  /**
   * Distinct accounts on a lagging standing (`LAGGING`), each once whatever it runs, of `using` accounts that run any
   * version of the image; `revoked`: of them, those on a revoked version.
   */
  behind: { accounts: number; revoked: number; using: number };
}

const sk = (item: LedgerItem) => text(item, 'sk');

type Uses = Record<string, { instances?: number; launchTemplates?: number }>;

/**
 * The image's usage observations (`USAGE#<version>#<region>`) as they count now: per account and Region only its
 * latest observation (core/fleet/readings.ts), so a revoked version's last reading stops counting once a newer report
 * in that Region names the account; and an account a rollout refreshed after its report was asked for counts on the
 * rolled-out version (core/fleet/refreshes.ts). A reading is dated by when its report was asked for, as compliance
 * dates it: the sweep reads a report a day after asking, so its reading time says nothing of what it counted.
 */
export function currentUsage(
  items: readonly LedgerItem[],
): { version: string; region: string; observedAt: string; accounts: Uses }[] {
  const observed = items
    .filter((i) => sk(i).startsWith('USAGE#') && text(i, 'observedAt'))
    .map((u) => ({
      version: text(u, 'version'),
      region: text(u, 'region'),
      observedAt: text(u, 'observedAt'),
      askedAt: text(u, 'lastRequestedAt') || text(u, 'observedAt'),
      accounts: (u.accounts ?? {}) as Uses,
    }));
  const current = withoutSuperseded(observed, (u) => u.askedAt).map((u) => ({ ...u, accounts: u.accounts ?? {} }));
  return withRefreshes(current, confirmedRefreshes(items)).map(({ askedAt: _, ...u }) => u);
}

const STANDINGS: readonly VersionStanding[] = [
  'current',
  'one-behind',
  'older',
  'revoked',
  'retired',
  'never-promoted',
];

/**
 * Where each version of an image stands against a channel: its pointer's version (current), the one it promoted
 * before (one behind), an older promoted one, a revoked one, one retention retired, or one never promoted to it.
 */
export function standingsAgainst(
  channel: string,
  items: readonly LedgerItem[],
): { current: string | undefined; standingOf: (version: string) => VersionStanding } {
  const promoted = items
    .filter((i) => sk(i).startsWith('PROMOTION#') && text(i, 'channel') === channel && i.outcome === 'promoted')
    .map((i) => text(i, 'version'))
    .sort(compareBuildVersions);
  const revoked = new Set(
    items.filter((i) => sk(i).startsWith('REVOCATION#') && i.state === 'revoked').map((i) => text(i, 'version')),
  );
  const retired = new Set(
    items.filter((i) => sk(i).startsWith('BUILD#') && text(i, 'retiredAt')).map((i) => sk(i).slice('BUILD#'.length)),
  );
  const pointer = items.find((i) => sk(i) === `CHANNEL#${channel}`);
  const current = pointer ? text(pointer, 'version') || undefined : undefined;
  const standingOf = (version: string): VersionStanding => {
    if (revoked.has(version)) return 'revoked';
    if (version === current) return 'current';
    const at = promoted.indexOf(version);
    const now = current ? promoted.indexOf(current) : -1;
    // One behind: promoted just before the current one (at ≥ 0 and at = now − 1 hold only when the current is promoted).
    if (at >= 0 && at === now - 1) return 'one-behind';
    if (retired.has(version)) return 'retired';
    return at >= 0 ? 'older' : 'never-promoted';
  };
  return { current, standingOf };
}

/**
 * The fleet of one image from its ledger partition. `channel` is the channel standings are measured against (the
 * last one: what "patched" means); the versions it promoted, in order, come from its `PROMOTION#` outcomes.
 */
export function imageFleet(image: string, channel: string, items: readonly LedgerItem[]): ImageFleet {
  const { current, standingOf } = standingsAgainst(channel, items);

  const byVersion = new Map<
    string,
    { accounts: Set<string>; instances: number; launchTemplates: number; at: string }
  >();
  for (const u of currentUsage(items)) {
    // An observation whose every reading a newer one superseded counts nothing, its time included.
    if (Object.keys(u.accounts).length === 0) continue;
    const entry = byVersion.get(u.version) ?? {
      accounts: new Set<string>(),
      instances: 0,
      launchTemplates: 0,
      at: u.observedAt,
    };
    for (const [account, use] of Object.entries(u.accounts)) {
      const instances = use.instances ?? 0;
      const launchTemplates = use.launchTemplates ?? 0;
      if (instances + launchTemplates > 0) entry.accounts.add(account);
      entry.instances += instances;
      entry.launchTemplates += launchTemplates;
    }
    // Stryker disable next-line EqualityOperator: replacing an equal time with itself changes nothing
    if (u.observedAt < entry.at) entry.at = u.observedAt;
    byVersion.set(u.version, entry);
  }

  const versions: FleetVersion[] = [...byVersion]
    .filter(([, e]) => e.accounts.size > 0)
    .map(([version, e]) => ({
      version,
      standing: standingOf(version),
      accounts: e.accounts.size,
      instances: e.instances,
      launchTemplates: e.launchTemplates,
      observedAt: e.at,
    }))
    .sort((a, b) => compareBuildVersions(b.version, a.version));
  const totals = Object.fromEntries(STANDINGS.map((s) => [s, { accounts: 0, instances: 0 }])) as ImageFleet['totals'];
  const accountsOf = new Map<VersionStanding, Set<string>>();
  for (const [version, e] of byVersion) {
    const standing = standingOf(version);
    const set = accountsOf.get(standing) ?? new Set<string>();
    for (const a of e.accounts) set.add(a);
    accountsOf.set(standing, set);
    totals[standing].instances += e.instances;
  }
  for (const [standing, set] of accountsOf) totals[standing].accounts = set.size;
  const union = (standings: Iterable<VersionStanding>) =>
    new Set([...standings].flatMap((st) => [...(accountsOf.get(st) ?? [])])).size;
  const behind = { accounts: union(LAGGING), revoked: union(['revoked']), using: union(STANDINGS) };
  const movedBack: NonNullable<ImageFleet['movedBack']> = lastMoveBack(
    items,
    channel,
    current,
    revocationsByVersion(items),
  );
  const revokedFrom = movedBack.revoked?.version;
  const move = revokedFrom === undefined ? undefined : items.find((i) => sk(i) === rollbackSk(channel, revokedFrom));
  if (current && move && text(move, 'to') !== current) {
    const pointer = items.find((i) => sk(i) === `CHANNEL#${channel}`);
    movedBack.promotedAt = pointer ? text(pointer, 'at') : '';
  }
  return {
    image,
    channel,
    current,
    ...(movedBack.revoked || movedBack.rolledBack ? { movedBack } : {}),
    versions,
    totals,
    behind,
  };
}
