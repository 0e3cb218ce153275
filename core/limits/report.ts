import { LIMITS, type LimitId } from './quotas.js';

/** One figure measured against one limit: a stack's resources, a role's inline policies, a recipe's components. */
export interface Measurement {
  limit: LimitId;
  /** What was measured, e.g. `stack Factory`, `role StartBuildsServiceRole (Triggers)`. */
  subject: string;
  value: number;
  /** The catalog field that drives the figure (`images`, `images.app.components`, `access.ci`, …). */
  field: string;
  /** Catalog images that contribute to the figure, largest share first. */
  images?: readonly string[];
}

/** A limit with the tightest measurement against it. */
export interface LimitFigure {
  id: LimitId;
  name: string;
  max: number;
  unit: string;
  /** How many things were measured against it (stacks, roles, functions, recipes, …). */
  measured: number;
  /** The measurement closest to the limit; absent when nothing in the catalog is subject to it. */
  tightest?: Measurement;
  /** `max − tightest.value`; negative when over. */
  headroom?: number;
}

export interface LimitsReport {
  ok: boolean;
  figures: LimitFigure[];
  /** One `field: …` line per measurement over its limit, naming the limit, the figure and the images. */
  problems: string[];
}

const IMAGES_NAMED = 5;

/** Limits raised above their documented default for this account (the catalog's `quotas`). */
export type RaisedLimits = Partial<Record<LimitId, number>>;

/** The problem line of a measurement over its limit. */
export function limitProblem(m: Measurement, raised: RaisedLimits = {}): string {
  const limit = { ...LIMITS[m.limit], max: raised[m.limit] ?? LIMITS[m.limit].max };
  const images =
    m.images && m.images.length > 0
      ? ` (images: ${m.images.slice(0, IMAGES_NAMED).join(', ')}${m.images.length > IMAGES_NAMED ? `, and ${m.images.length - IMAGES_NAMED} more` : ''})`
      : '';
  const raise = 'adjustable' in limit ? '; adjustable: request an increase through Service Quotas first' : '';
  return `${m.field}: ${m.subject} would be ${m.value.toLocaleString('en-US')} ${limit.unit}, over the ${limit.name} limit of ${limit.max.toLocaleString('en-US')}${images}${raise}`;
}

/** Every limit with its tightest measurement, and a problem for each measurement over its limit (or its raised figure). */
export function evaluateLimits(measurements: readonly Measurement[], raised: RaisedLimits = {}): LimitsReport {
  const figures: LimitFigure[] = [];
  const maxOf = (id: LimitId) => raised[id] ?? LIMITS[id].max;
  for (const id of Object.keys(LIMITS) as LimitId[]) {
    const { name, unit } = LIMITS[id];
    const max = maxOf(id);
    const mine = measurements.filter((m) => m.limit === id);
    const tightest = mine.reduce<Measurement | undefined>((a, m) => (a && a.value >= m.value ? a : m), undefined);
    figures.push({
      id,
      name,
      max,
      unit,
      measured: mine.length,
      ...(tightest && { tightest, headroom: max - tightest.value }),
    });
  }
  const problems = measurements.filter((m) => m.value > maxOf(m.limit)).map((m) => limitProblem(m, raised));
  return { ok: problems.length === 0, figures, problems };
}

/** `CloudFormation resources per stack: 58 of 500 resources (largest: stack Promotion; 442 to spare, 88%)`. */
export function formatFigure(f: LimitFigure): string {
  if (!f.tightest || f.headroom === undefined) return `${f.name}: nothing subject to it`;
  const percent = Math.floor((f.headroom / f.max) * 100);
  const spare = f.headroom >= 0 ? `${f.headroom.toLocaleString('en-US')} to spare, ${percent}%` : 'OVER';
  return `${f.name}: ${f.tightest.value.toLocaleString('en-US')} of ${f.max.toLocaleString('en-US')} ${f.unit} (largest: ${f.tightest.subject}; ${spare})`;
}
