import { resumedText } from '../promotion/resume.js';

/**
 * A channel pointer the ledger moved (`CHANNEL#`, moved first so two promotions never move it backwards) but
 * Parameter Store does not hold: the promotion paused at that channel before Publish recorded the move, which it
 * does only after reading every region back (`POINTER#`). `status` shows what AWS holds, the last recorded move,
 * and says the new one is pending and why.
 */

type Item = Record<string, unknown>;

const text = (item: Item | undefined, field: string): string =>
  item && typeof item[field] === 'string' ? item[field] : '';

/** The move the ledger claims but Parameter Store has not confirmed: the version, since when, and the pause's reason. */
export interface PendingPointer {
  version: string;
  since: string;
  reason: string;
  /**
   * The promotion ended without promoting (its recorded outcome: aborted, say, when the version's parent was revoked):
   * the move will never be confirmed. `since` is then when it ended, `reason` the outcome's.
   */
  ended?: string | undefined;
}

/** The last confirmed pointer of a channel before `version`: its version, time and value per region. */
export interface ConfirmedPointer {
  version: string;
  at: string;
  amis: Record<string, string>;
}

/**
 * When the channel's `CHANNEL#` names `version` with no recorded `POINTER#` move for it and that version's promotion
 * paused at this channel (still paused, or resumed and Publish not yet done again): the pending move, and the last
 * move the ledger did record (undefined: none).
 * @returns undefined when the ledger's pointer is confirmed (nothing pending).
 */
export function pendingPointer(
  items: readonly Item[],
  channel: string,
  version: string,
): { pending: PendingPointer; confirmed: ConfirmedPointer | undefined } | undefined {
  const moves = items.filter((i) => text(i, 'sk').startsWith(`POINTER#${channel}#`));
  if (moves.some((m) => text(m, 'version') === version)) return undefined;
  // The latest pause of this version at this channel: still paused, or resumed and Publish not yet done again.
  const pause = items
    .filter(
      (i) => text(i, 'sk').startsWith('PAUSED#') && text(i, 'channel') === channel && text(i, 'version') === version,
    )
    .sort((a, b) => text(a, 'pausedAt').localeCompare(text(b, 'pausedAt')))
    .at(-1);
  const last = moves.sort((a, b) => text(a, 'at').localeCompare(text(b, 'at'))).at(-1);
  const amis: Record<string, string> = {};
  for (const r of Array.isArray(last?.regions) ? (last.regions as { region?: unknown; value?: unknown }[]) : []) {
    if (typeof r.region === 'string' && typeof r.value === 'string') amis[r.region] = r.value;
  }
  if (!pause) return undefined;
  // Decided since (aborted, rejected): the resumed promotion is over, not pending; it reads as its outcome.
  const outcome = items.find((i) => text(i, 'sk') === `PROMOTION#${version}#${channel}`);
  const ended = outcome && text(outcome, 'outcome') !== 'promoted' ? text(outcome, 'outcome') : undefined;
  const pending: PendingPointer = ended
    ? { version, since: text(outcome, 'at'), reason: text(outcome, 'reason'), ended }
    : text(pause, 'status') === 'paused'
      ? {
          version,
          since: text(pause, 'pausedAt'),
          reason: text(pause, 'reason'),
        }
      : {
          version,
          since: text(pause, 'pausedAt'),
          reason: `${resumedText({ by: text(pause, 'resumedBy'), n: Number(pause.resumes ?? 0), at: text(pause, 'resumedAt'), reason: text(pause, 'resumedReason') })}; Publish has not confirmed it in every Region yet (paused for: ${text(pause, 'reason')})`,
        };
  return {
    pending,
    confirmed: last ? { version: text(last, 'version'), at: text(last, 'at'), amis } : undefined,
  };
}
