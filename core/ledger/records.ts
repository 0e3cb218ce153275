import type { Trigger } from '../triggers/change.js';

/** How long dedupe markers live: longer than a patch cycle, so a window's marker outlives the window. */
export const MARKER_TTL_DAYS = 90;
/** Decisions are audit trail, but skips are noisy: they expire after a year. */
export const DECISION_TTL_DAYS = 365;

/**
 * A change-dedupe marker. `claimed` is written before StartImagePipelineExecution and `started` after it, so a
 * crash in between leaves a `claimed` marker that the next delivery resumes with the same client token.
 */
export interface MarkerRecord {
  pk: string;
  sk: 'MARKER';
  dedupeKey: string;
  image: string;
  changeId: string;
  trigger: Trigger;
  clientToken: string;
  state: 'claimed' | 'started' | 'released';
  claimedAt: string;
  buildVersionArn?: string;
  /** How many times the claim was released (core/triggers/package-release.ts); absent when never. */
  releases?: number;
  expiresAt: number;
}

/** One trigger decision, start or skip, with its reason: the answer to "why did (or didn't) this build?". */
export interface DecisionRecord {
  pk: string;
  sk: string;
  kind: 'decision';
  image: string;
  trigger: Trigger;
  changeId: string;
  dedupeKey: string;
  clientToken: string;
  outcome: 'start' | 'skip';
  reason: string;
  decidedAt: string;
  buildVersionArn?: string;
  expiresAt: number;
}

/** A build requested by Goldsmith; the promotion engineer's image-event handler moves `status` on. */
export interface BuildRecord {
  pk: string;
  sk: string;
  kind: 'build';
  image: string;
  buildVersion: string;
  buildVersionArn: string;
  status: string;
  trigger: Trigger;
  changeId: string;
  dedupeKey: string;
  requestedAt: string;
}

/** The watcher's last seen value of a base-image parameter; `version` is SSM's parameter version. */
export interface WatchRecord {
  pk: string;
  sk: 'STATE';
  region: string;
  parameter: string;
  value: string;
  version: number;
  observedAt: string;
}
