import { skPrefix } from '../ledger/keys.js';
import { fieldText } from './ledger-item.js';

// Revocations a finding asked for and nobody has carried out (`REVOCATION#<version>`, state `requested`), as `status`
// keeps them in view until someone acts: the announcement and `history` tell them once, when they are asked.

type Item = Record<string, unknown>;

const str = fieldText;

/** A revocation asked for and still waiting for a person (`goldsmith revoke`, run as the operators' role). */
export interface RevocationRequestView {
  version: string;
  /** When it was asked for. */
  since: string;
  reason: string;
  /** The channels whose policy the findings break. */
  channels: string[];
  /**
   * A channel's `revokeOn` marked it to be carried out at once (on-lifecycle-request's work, retried and re-driven):
   * still listed, so that one whose work is stuck stays in view.
   */
  atOnce?: true;
}

/**
 * The revocation requests still open: asked for and not carried out (those marked to be carried out at once by a
 * channel's `revokeOn` too, while they are not), of a version not deleted. Oldest first.
 */
export function openRevocationRequests(items: readonly Item[]): RevocationRequestView[] {
  const deleted = new Set(
    items
      .filter((i) => str(i, 'sk').startsWith(skPrefix.build) && str(i, 'deletedAt'))
      .map((i) => str(i, 'sk').slice(skPrefix.build.length)),
  );
  return items
    .filter(
      (i) =>
        str(i, 'sk').startsWith(skPrefix.revocation) &&
        str(i, 'state') === 'requested' &&
        !deleted.has(str(i, 'version')),
    )
    .map((i) => ({
      version: str(i, 'version'),
      since: str(i, 'at'),
      reason: str(i, 'reason'),
      channels: Array.isArray(i.channels) ? i.channels.filter((c): c is string => typeof c === 'string') : [],
      ...(i.atOnce !== undefined && { atOnce: true as const }),
    }))
    .sort((a, b) => a.since.localeCompare(b.since));
}
