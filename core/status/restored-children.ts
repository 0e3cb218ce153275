import type { LedgerItem } from './ledger-item.js';
import { isOperatorMove, madeAtItsTime, madeWhileItStood } from './pointer-moves.js';

/**
 * After a restore: the children a revocation rebuilt on the parent's replacement, which stay there. A revocation
 * moves each channel pointer that named the revoked version back to its replacement and rebuilds the children that
 * follow that channel on it; `restore` takes the revocation back but moves no pointer and rebuilds nothing, so those
 * child builds stay on the replacement until someone rebuilds them. `status` and `history` name each one, with the
 * commands that rebuild it on the restored version. Pure, from the ledger's lineage records: the parent's revocation
 * and its pointer moves, the children's builds (their recorded parent).
 */

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** A child image and the channel of its parent it is built from (the catalog's `parent`). */
export interface ChildOf {
  image: string;
  channel: string;
}

/** A child build that stays on the replacement of a restored parent version. */
export interface ChildOnReplacement {
  /** The child image and its build on the replacement. */
  image: string;
  version: string;
  /** The parent image, the replacement version it was built on, and the parent channel the child follows. */
  parent: string;
  builtOn: string;
  channel: string;
  /** The restored parent version, and when it was restored. */
  restored: string;
  restoredAt: string;
  /** What rebuilds the child on the restored version, in order. */
  commands: string[];
}

/**
 * Whether the revocation `revocation` moved `move` (a `ROLLBACK#` item of the parent) back: from its version, not an
 * operator's move, at its instant or, for a channel it recorded moving, while it stood (as `status` tells it).
 */
function movedBy(move: LedgerItem, revocation: LedgerItem): boolean {
  if (str(move.from) !== str(revocation.version) || !str(move.to) || isOperatorMove(move)) return false;
  return madeAtItsTime(move, revocation) || madeWhileItStood(move, revocation, str(move.channel));
}

/**
 * What rebuilds `child` on the restored version `restored` of `parent`, which the child follows through `channel`:
 * a build of the child once the parent's channel names the restored version (`goldsmith build` builds on what the
 * channel's pointer names); the channel is brought to it by a rollback when it promoted it before (a roll-forward),
 * else by promoting it through the gates again, whose promotion to the channel rebuilds the child itself.
 */
function rebuildCommands(
  parentItems: readonly LedgerItem[],
  parent: string,
  channel: string,
  restored: string,
  child: string,
): string[] {
  const build = `goldsmith build ${child} --reason "rebuild on ${parent} ${restored}"`;
  const pointer = parentItems.find((i) => str(i.sk) === `CHANNEL#${channel}`);
  if (str(pointer?.version) === restored) return [build];
  const promoted = parentItems.some(
    (i) =>
      str(i.sk).startsWith('PROMOTION#') &&
      str(i.version) === restored &&
      str(i.channel) === channel &&
      i.outcome === 'promoted',
  );
  if (promoted) return [`goldsmith rollback ${parent} ${channel} --to ${restored} --reason R`, build];
  const underWay = attemptUnderWay(parentItems, restored);
  if (underWay !== undefined) {
    return [
      `nothing to run: attempt ${underWay} of ${parent} ${restored} through the gates is under way, and its promotion to ${channel} rebuilds ${child}`,
    ];
  }
  return [
    `goldsmith promote ${parent} ${restored} --through-gates --reason R (its promotion to ${channel} rebuilds ${child})`,
  ];
}

/**
 * The promotion attempt of `version` through the gates again (`promote --through-gates`, `ATTEMPT#<v>#current`) that
 * is still going: a later attempt than the first, with no channel's outcome other than promoted recorded yet.
 */
function attemptUnderWay(parentItems: readonly LedgerItem[], version: string): number | undefined {
  const record = parentItems.find((i) => str(i.sk) === `ATTEMPT#${version}#current`);
  const attempt = typeof record?.attempt === 'number' ? record.attempt : undefined;
  if (attempt === undefined || attempt < 2) return undefined;
  const ended = parentItems.some(
    (i) => str(i.sk).startsWith('PROMOTION#') && str(i.version) === version && str(i.outcome) !== 'promoted',
  );
  return ended ? undefined : attempt;
}

/**
 * The child builds a revocation of `parent` rebuilt on the version a followed channel went back to, for every
 * revocation since restored: built on that replacement at or after the revocation, not deleted nor revoked, and with
 * no build of the child on the restored version requested since the restore (it has been rebuilt then).
 * @param parentItems the parent image's ledger items
 * @param children the catalog's children of `parent`, each with the channel it follows
 * @param childItems each child image's ledger items
 */
export function childrenOnReplacement(
  parent: string,
  parentItems: readonly LedgerItem[],
  children: readonly ChildOf[],
  childItems: Readonly<Record<string, readonly LedgerItem[]>>,
): ChildOnReplacement[] {
  const restoredRevocations = parentItems.filter(
    (i) => str(i.sk).startsWith('REVOCATION#') && i.state === 'restored' && str(i.restoredAt),
  );
  const moves = parentItems.filter((i) => str(i.sk).startsWith('ROLLBACK#'));
  const found: ChildOnReplacement[] = [];
  for (const revocation of restoredRevocations) {
    const restored = str(revocation.version);
    const restoredAt = str(revocation.restoredAt);
    const revokedAt = Date.parse(str(revocation.revokedAt) || str(revocation.at));
    for (const move of moves.filter((m) => movedBy(m, revocation))) {
      const channel = str(move.channel);
      for (const child of children.filter((c) => c.channel === channel)) {
        const items = childItems[child.image] ?? [];
        const revoked = new Set(
          items.filter((i) => str(i.sk).startsWith('REVOCATION#') && i.state === 'revoked').map((i) => str(i.version)),
        );
        const builds = items.filter((i) => str(i.sk).startsWith('BUILD#'));
        const onParent = (b: LedgerItem, version: string) => {
          const p = b.parent as { image?: unknown; buildVersion?: unknown } | null | undefined;
          return str(p?.image) === parent && str(p?.buildVersion) === version;
        };
        const rebuilt = builds.some(
          (b) => onParent(b, restored) && Date.parse(str(b.requestedAt)) >= Date.parse(restoredAt),
        );
        if (rebuilt) continue;
        for (const b of builds) {
          const version = str(b.buildVersion) || str(b.sk).slice('BUILD#'.length);
          if (!onParent(b, str(move.to)) || b.deletedAt || revoked.has(version)) continue;
          if (Date.parse(str(b.requestedAt)) < revokedAt) continue;
          found.push({
            image: child.image,
            version,
            parent,
            builtOn: str(move.to),
            channel,
            restored,
            restoredAt,
            commands: rebuildCommands(parentItems, parent, channel, restored, child.image),
          });
        }
      }
    }
  }
  return found;
}

/**
 * "hardened 1.0.0/3 was built on base 1.0.0/1, prod's replacement of 1.0.0/2 while it was revoked; to rebuild it on
 * 1.0.0/2: goldsmith rollback base prod --to 1.0.0/2 --reason R, then goldsmith build hardened …".
 */
export function childOnReplacementText(c: ChildOnReplacement): string {
  return (
    `${c.image} ${c.version} was built on ${c.parent} ${c.builtOn}, ${c.channel}'s replacement of ${c.restored} ` +
    `while it was revoked; to rebuild it on ${c.restored}: ${c.commands.join(', then ')}`
  );
}
