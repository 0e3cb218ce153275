import type { ComponentFiles } from '../../../core/config/rules/types.js';
import { catalogShapeSchema } from '../../../core/config/schema.js';
import { checkLimits, type LimitId, type StackTemplate, type TemplateJson } from '../../../core/limits/index.js';
import type { LimitsReport } from '../../../core/limits/report.js';

/** A small valid catalog: one AMI image with one managed component, one region, one channel. */
export const CATALOG = catalogShapeSchema.parse({
  organization: { id: 'o-zz9988776655', homeRegion: 'us-east-1' },
  images: {
    solo: { parent: 'ami-0123456789abcdef0', components: [{ managed: 'update-linux' }], regions: ['us-east-1'] },
  },
  channels: [{ name: 'live', targets: { accounts: ['123456789012'] } }],
});

/** The small catalog with these images instead of `solo` (same spec each). */
export function catalogWith(names: string[]) {
  const spec = CATALOG.images.solo!;
  return { ...CATALOG, images: Object.fromEntries(names.map((name) => [name, spec])) };
}

export const NO_FILES: ComponentFiles = { read: () => undefined };

/** One stack named like a deploy names it (`prod-goldsmith-<name>`). */
export function stack(name: string, template: TemplateJson): StackTemplate {
  return { stack: `prod-goldsmith-${name}`, template };
}

/** `count` resources of a type that nothing else measures. */
export function queues(count: number): NonNullable<TemplateJson['Resources']> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`Queue${i}`, { Type: 'AWS::SQS::Queue' }]));
}

/** The problems a report has against one limit. */
export function problemsOf(report: LimitsReport, id: LimitId): string[] {
  const name = report.figures.find((f) => f.id === id)?.name;
  return report.problems.filter((p) => name !== undefined && p.includes(`the ${name} limit`));
}

/** Checks the small catalog with `stacks` and returns the problems against `id`. */
export function templateProblems(id: LimitId, stacks: StackTemplate[]): string[] {
  return problemsOf(checkLimits(CATALOG, NO_FILES, stacks), id);
}

/**
 * Grows `make(padding)` until `measure` is exactly `target`, by padding a string: the size of what is measured
 * grows one for one with the padding's length, so one correction after a first measurement hits it.
 */
export function padTo<T>(target: number, make: (padding: string) => T, measure: (value: T) => number): T {
  const first = measure(make(''));
  const value = make('a'.repeat(target - first));
  if (measure(value) !== target) throw new Error(`padTo: could not reach ${target} (got ${measure(value)})`);
  return value;
}
