import { TRANSIENT_ERROR_NAMES } from '../errors/classify.js';
import { POINTER_NOT_TAKEN } from './pointer-taken.js';
import type { CaughtFailure } from './types.js';

/**
 * Pausing and resuming promotions. Every promotion task retries transient errors over the catalog's retry horizon,
 * so a transient error that reaches a Catch means the horizon ran out: the promotion is paused, not decided. The
 * reconciler (or an operator) resumes it with a new execution of the same build, which skips every channel already
 * decided and repeats the idempotent steps of the one that paused.
 */

/**
 * How long after a pause the reconciler resumes it by itself, by the resumptions before it: at its first run, then
 * 6, 12 and 24 hours apart, and daily after that, for as long as the promotion stays paused. No count runs out: a
 * resumption made while the service is still down pauses again after the retry horizon and the next one waits
 * longer, so a long outage costs at most one execution a day, and the promotion finishes once AWS answers.
 */
export const RESUME_BACKOFF_MS = [0, 6 * 3_600_000, 12 * 3_600_000, 24 * 3_600_000] as const;

/** How long after its latest pause a promotion resumed `resumes` times before is resumed again by the reconciler. */
export function resumeDelayMs(resumes: number): number {
  return RESUME_BACKOFF_MS[Math.min(resumes, RESUME_BACKOFF_MS.length - 1)] ?? 0;
}

/** When the reconciler may next resume a pause by itself (its first run at or after this instant). */
export function nextAutomaticResume(paused: Pick<PausedPromotion, 'pausedAt' | 'resumes'>): string {
  return new Date(Date.parse(paused.pausedAt) + resumeDelayMs(paused.resumes)).toISOString();
}

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

/**
 * Whether the reconciler resumes a paused promotion now, or waits for its backoff ({@link resumeDelayMs}) and says
 * until when. It always resumes in the end: an outage of any length is waited out without an operator.
 */
export function automaticResume(
  paused: PausedPromotion,
  now: Date,
): { resume: true } | { resume: false; reason: string; from?: string } {
  if (paused.status !== 'paused') return { resume: false, reason: `already ${paused.status}` };
  const from = nextAutomaticResume(paused);
  if (now.getTime() < Date.parse(from)) {
    return {
      resume: false,
      reason: `resumed by itself from ${from} (automatic resumption ${paused.resumes + 1})`,
      from,
    };
  }
  return { resume: true };
}

/** How a recorded pause reason ends: the reconciler resumes it from this step once AWS answers. */
const RESUMED_BY_ITSELF = '; paused, and resumed from this step once AWS answers';

/** The recorded reason for a pause: what failed (`Error: cause`), and what happens next. */
export function pauseReason(failed: string, horizon: string): string {
  return `${failed} — still failing after the ${horizon} retry horizon${RESUMED_BY_ITSELF}`;
}

/**
 * What resuming a paused promotion will do, as `status` says it: when the reconciler resumes it by itself (it keeps
 * trying, further apart, until AWS answers), or an operator at once, and what the resumed execution does.
 */
export function resumeText(
  paused: Pick<PausedPromotion, 'image' | 'version' | 'channel' | 'resumes' | 'pausedAt'>,
): string {
  const command = `goldsmith resume ${paused.image} ${paused.version}`;
  const does = `a new execution that skips the channels already decided and repeats ${paused.channel}'s steps`;
  return `the reconciler resumes it at its first run from ${nextAutomaticResume(paused)} (automatic resumption ${paused.resumes + 1}; it keeps trying, at most a day apart, until AWS answers), or \`${command}\` now: ${does}`;
}

/** Who resumes a promotion on its own: the reconciler records itself as `goldsmith`. */
export const AUTOMATIC_RESUMER = 'goldsmith';

/**
 * A resumption as `status`, `history` and docs/operating/runbooks.md tell it, in the same words: `promotion resumed
 * automatically by the reconciler (resumption 1)`, or `promotion resumed by <principal> (resumption 4)` for an
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
    ? `promotion resumed automatically by the reconciler (resumption ${resumption.n})${when}${why}`
    : `promotion resumed by ${by} (resumption ${resumption.n})${when}${why}`;
}

/** A pause as `status`, `history` and docs/operating/runbooks.md tell it: `promotion paused at dev: <why>`. */
export function pausedText(pause: { channel: string; reason: string }): string {
  return `promotion paused at ${pause.channel}: ${pause.reason}`;
}
