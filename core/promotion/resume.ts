import { TRANSIENT_ERROR_NAMES } from '../errors/classify.js';
import { POINTER_NOT_TAKEN } from './pointer-taken.js';
import type { CaughtFailure } from './types.js';

/**
 * Pausing and resuming promotions. Every promotion task retries transient errors over the catalog's retry horizon,
 * so a transient error that reaches a Catch means the horizon ran out: the promotion is paused, not decided. The
 * reconciler (or an operator) resumes it with a new execution of the same build, which skips every channel already
 * decided and repeats the idempotent steps of the one that paused.
 */

/** Automatic resumptions of one build's promotion; after these only an operator resumes it (the outage persists). */
export const MAX_AUTOMATIC_RESUMES = 3;

const transient = new Set(TRANSIENT_ERROR_NAMES);

/**
 * True when a caught failure is a transient error that outlasted the retry horizon, or a pointer Parameter Store did
 * not take within Publish's own retries (pointer-taken.ts): pause, do not decide.
 */
export function outlastedRetryHorizon(failure: CaughtFailure): boolean {
  return transient.has(failure.Error) || failure.Error === POINTER_NOT_TAKEN;
}

/** A paused promotion as the ledger holds it (`PAUSED#<version>` in the image's partition). */
export interface PausedPromotion {
  image: string;
  version: string;
  buildVersionArn: string;
  /** The channel whose step gave up (the plan's first channel for LoadImage and Retire). */
  channel: string;
  /** The transient error that outlasted the horizon, and what it said. */
  error: string;
  reason: string;
  status: 'paused' | 'resumed';
  pausedAt: string;
  /** Resumptions so far (each a new execution named `…-r<n>`). */
  resumes: number;
  resumedAt?: string | undefined;
  resumedBy?: string | undefined;
  /** Why an operator resumed it (`goldsmith resume … --reason`), when they said. */
  resumedReason?: string | undefined;
}

/** Whether the reconciler resumes a paused promotion by itself, or leaves it to an operator (and says why). */
export function automaticResume(paused: PausedPromotion): { resume: true } | { resume: false; reason: string } {
  if (paused.status !== 'paused') return { resume: false, reason: `already ${paused.status}` };
  if (paused.resumes >= MAX_AUTOMATIC_RESUMES) {
    return {
      resume: false,
      reason: `paused again after ${paused.resumes} automatic resumptions: an operator resumes it (goldsmith resume ${paused.image} ${paused.version})`,
    };
  }
  return { resume: true };
}

/** How a recorded pause reason ends while the reconciler still resumes it by itself. */
const RESUMED_BY_ITSELF = '; paused, and resumed from this step once AWS answers';

/** The recorded reason for a pause: what failed (`Error: cause`), and what happens next. */
export function pauseReason(failed: string, horizon: string): string {
  return `${failed} — still failing after the ${horizon} retry horizon${RESUMED_BY_ITSELF}`;
}

/**
 * A pause's reason as it reads for the pause it belongs to: once that pause came after the reconciler's automatic
 * resumptions were spent (`resumes` resumptions before it), nothing resumes it by itself, so the reason says it waits
 * for an operator instead of "resumed … once AWS answers". The ledger keeps the reason as recorded.
 */
export function pauseReasonNow(reason: string, pause: { image: string; version: string; resumes: number }): string {
  if (pause.resumes < MAX_AUTOMATIC_RESUMES || !reason.endsWith(RESUMED_BY_ITSELF)) return reason;
  return `${reason.slice(0, -RESUMED_BY_ITSELF.length)}; paused, and waits for an operator (the reconciler's ${MAX_AUTOMATIC_RESUMES} automatic resumptions are spent): goldsmith resume ${pause.image} ${pause.version}`;
}

/**
 * What resuming a paused promotion will do, as `status` says it: who resumes it (the reconciler, while it has
 * automatic resumptions left; else an operator) and what the resumed execution does.
 */
export function resumeText(paused: Pick<PausedPromotion, 'image' | 'version' | 'channel' | 'resumes'>): string {
  const command = `goldsmith resume ${paused.image} ${paused.version}`;
  const does = `a new execution that skips the channels already decided and repeats ${paused.channel}'s steps`;
  if (paused.resumes >= MAX_AUTOMATIC_RESUMES) {
    return `waits for an operator (the reconciler's ${MAX_AUTOMATIC_RESUMES} automatic resumptions are spent): \`${command}\` starts ${does}`;
  }
  return `the reconciler resumes it once AWS answers (automatic resumption ${paused.resumes + 1} of ${MAX_AUTOMATIC_RESUMES}), or \`${command}\` now: ${does}`;
}

/** Who resumes a promotion on its own: the reconciler records itself as `goldsmith`. */
export const AUTOMATIC_RESUMER = 'goldsmith';

/**
 * A resumption as `status`, `history` and docs/operating.md tell it, in the same words: `promotion resumed
 * automatically by the reconciler (resumption 1 of 3)`, or `promotion resumed by <principal> (resumption 4)` for an
 * operator's `goldsmith resume`; `status` adds when (`at`), and the operator's `--reason` comes last when they gave
 * one (`… (resumption 4) at 2027-01-14 09:00: the endpoint is back`).
 */
export function resumedText(resumption: {
  by?: string | undefined;
  n: number;
  reason?: string | undefined;
  at?: string | undefined;
}): string {
  const by = resumption.by || AUTOMATIC_RESUMER;
  const when = resumption.at ? ` at ${resumption.at}` : '';
  const why = resumption.reason ? `: ${resumption.reason}` : '';
  return by === AUTOMATIC_RESUMER
    ? `promotion resumed automatically by the reconciler (resumption ${resumption.n} of ${MAX_AUTOMATIC_RESUMES})${when}${why}`
    : `promotion resumed by ${by} (resumption ${resumption.n})${when}${why}`;
}

/**
 * A pause as `status`, `history` and docs/operating.md tell it: `promotion paused at dev: <why>`, the why worded for
 * the resumptions before it ({@link pauseReasonNow}).
 */
export function pausedText(pause: {
  channel: string;
  reason: string;
  image: string;
  version: string;
  resumes: number;
}): string {
  return `promotion paused at ${pause.channel}: ${pauseReasonNow(pause.reason, pause)}`;
}
