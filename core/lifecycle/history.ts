import type { PromotionOutcome, RegionAmi } from '../promotion/types.js';
import type { BuildHistory } from './retention.js';

/** The ledger items the lifecycle reads, in the shapes the edge returns them. */
export interface LedgerView {
  builds: readonly {
    version: string;
    status?: string | undefined;
    updatedAt?: string | undefined;
    requestedAt?: string | undefined;
    retiredAt?: string | undefined;
    deletedAt?: string | undefined;
  }[];
  outcomes: readonly {
    version: string;
    channel: string;
    outcome: PromotionOutcome;
    at: string;
    amis?: RegionAmi[] | undefined;
  }[];
  revocations: readonly { version: string; state: string; revokedAt?: string | undefined }[];
}

const FAILED = new Set(['FAILED', 'CANCELLED']);

/**
 * One image's builds as the retention decision sees them: promotions, when an unpromoted build was settled (its
 * build failed, or a channel decided against it and none promoted it), revocation, retirement and deletion.
 * `firstChannel` is the first channel of the image's plan: a build promoted nowhere and not yet decided there is
 * still in flight.
 */
export function buildHistories(view: LedgerView, firstChannel: string | undefined): BuildHistory[] {
  const byVersion = new Map<string, LedgerView['outcomes'][number][]>();
  for (const o of view.outcomes) byVersion.set(o.version, [...(byVersion.get(o.version) ?? []), o]);
  const revoked = new Map(
    view.revocations.filter((r) => r.state === 'revoked' && r.revokedAt).map((r) => [r.version, r.revokedAt]),
  );
  return view.builds.map((b) => {
    const outcomes = byVersion.get(b.version) ?? [];
    const promotions = outcomes.filter((o) => o.outcome === 'promoted').map((o) => ({ channel: o.channel, at: o.at }));
    let settledAt: string | undefined;
    if (promotions.length === 0) {
      if (b.status && FAILED.has(b.status)) settledAt = b.updatedAt ?? b.requestedAt;
      else {
        const decided = outcomes.find((o) => o.channel === firstChannel) ?? outcomes[0];
        settledAt = decided?.at;
      }
    }
    return {
      version: b.version,
      promotions,
      ...(settledAt ? { settledAt } : {}),
      ...(revoked.get(b.version) ? { revokedAt: revoked.get(b.version) } : {}),
      ...(b.retiredAt ? { retiredAt: b.retiredAt } : {}),
      ...(b.deletedAt ? { deletedAt: b.deletedAt } : {}),
    };
  });
}

/** The AMIs a build left, from its promotion records (every promoted channel records the same AMIs). */
export function amisOf(view: LedgerView, version: string): RegionAmi[] | undefined {
  return view.outcomes.find((o) => o.version === version && o.amis && o.amis.length > 0)?.amis;
}
