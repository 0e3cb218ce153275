/**
 * Sampling of refused requests at a public door (the approval callback): every refusal is counted, but only the
 * first of each reason in a window is kept, carrying how many it stands for. A flood of forged requests therefore
 * costs at most one ledger write per reason per window per running instance, however many requests it sends.
 * Pure and in memory: one sampler lives as long as one Lambda execution environment.
 */

/** How often a reason is sampled, at most, per instance. */
export const REFUSAL_SAMPLE_WINDOW_MS = 60_000;
/** Reasons remembered per instance: refusal reasons are a short fixed list, so this bounds memory against anything odd. */
export const REFUSAL_REASONS_REMEMBERED = 64;
/** Longest parameter value a sample keeps: what an attacker sends is bounded before it is stored. */
export const SAMPLED_VALUE_MAX = 256;
/** Most parameters a sample keeps. */
export const SAMPLED_PARAMS_MAX = 12;

/** What the sampler says about one refusal: keep it as a sample standing for `count` refusals, or only count it. */
export type SampleVerdict = { keep: true; count: number } | { keep: false };

export class RefusalSampler {
  private readonly reasons = new Map<string, { sampledAt: number; since: number }>();

  constructor(private readonly windowMs = REFUSAL_SAMPLE_WINDOW_MS) {}

  /** Notes one refusal of `reason` at `now` (ms). */
  note(reason: string, now: number): SampleVerdict {
    const seen = this.reasons.get(reason);
    if (seen && now - seen.sampledAt < this.windowMs) {
      seen.since++;
      return { keep: false };
    }
    const count = (seen?.since ?? 0) + 1;
    if (!seen && this.reasons.size >= REFUSAL_REASONS_REMEMBERED) {
      const oldest = this.reasons.keys().next().value;
      if (oldest !== undefined) this.reasons.delete(oldest);
    }
    this.reasons.delete(reason);
    this.reasons.set(reason, { sampledAt: now, since: 0 });
    return { keep: true, count };
  }
}

/** A request's parameters as a sample keeps them: the signature dropped, at most a few, each value bounded. */
export function sampledParams(params: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([k]) => k !== 'sig')
      .slice(0, SAMPLED_PARAMS_MAX)
      .map(([k, v]) => [k.slice(0, 64), v.length > SAMPLED_VALUE_MAX ? `${v.slice(0, SAMPLED_VALUE_MAX)}…` : v]),
  );
}
