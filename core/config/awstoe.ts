import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { catalogErrorMap, formatPath } from './problems.js';

/**
 * The parts of an AWSTOE component document Goldsmith checks before Image Builder sees it: `name`,
 * `schemaVersion: 1.0`, parameters, and phases with named steps. Other AWSTOE keys (constants, loops, step inputs)
 * are passed through unchecked; `awstoe validate` remains the authority on those.
 */

/** Phase names AWSTOE documents for Image Builder: build and validate run in the build stage, the rest in test. */
export const AWSTOE_PHASES = ['build', 'validate', 'test', 'container-host-test'] as const;

const stepSchema = z.looseObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be letters, digits, "-" or "_"'),
  action: z.string().min(1),
});

const phaseSchema = z.looseObject({
  name: z.enum(AWSTOE_PHASES, { error: `must be one of ${AWSTOE_PHASES.join(', ')}` }),
  steps: z.array(stepSchema).min(1, 'must list at least one step'),
});

const parameterSchema = z
  .record(z.string(), z.looseObject({ type: z.string().min(1), default: z.unknown().optional() }))
  .refine((p) => Object.keys(p).length === 1, 'each parameter is one "Name: { type, default, description }" entry');

const documentSchema = z.looseObject({
  name: z.string().min(1),
  schemaVersion: z.union([z.literal(1), z.literal('1.0')], { error: 'must be 1.0' }),
  description: z.string().optional(),
  parameters: z.array(parameterSchema).optional(),
  phases: z.array(phaseSchema).min(1, 'must list at least one phase'),
});

/** What the catalog rules need to know about a component document. */
export interface ComponentDocument {
  readonly name: string;
  readonly phases: readonly string[];
  /** Declared parameter names, each with whether it has a default (and so may be omitted). */
  readonly parameters: ReadonlyMap<string, { readonly hasDefault: boolean }>;
  /** The action modules its steps run, each once, in document order. */
  readonly actions: readonly string[];
}

/**
 * Action modules AWSTOE runs on one platform only: ExecuteBash "supports Linux", ExecutePowerShell "supports the
 * Windows platform" (https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-action-modules.html). Image
 * Builder refuses a component whose document uses one on the other platform (CreateComponent: "Unsupported action
 * ExecutePowerShell for os platform linux", https://github.com/aws-samples/cdk-image-pipeline/pull/135).
 */
export const ACTION_PLATFORMS: Readonly<Record<string, 'Linux' | 'Windows'>> = {
  ExecuteBash: 'Linux',
  ExecutePowerShell: 'Windows',
};

export type ComponentParse = { ok: true; document: ComponentDocument } | { ok: false; problems: string[] };

/** Parses and checks an AWSTOE YAML document; problems are `path: message` within the document. */
export function parseComponentDocument(text: string): ComponentParse {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return { ok: false, problems: [`not valid YAML: ${first}`] };
  }
  const result = documentSchema.safeParse(raw, { error: catalogErrorMap });
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((i) => `${i.path.length ? formatPath(i.path) : 'document'}: ${i.message}`),
    };
  }
  const doc = result.data;
  const problems: string[] = [];
  const phases = doc.phases.map((p) => p.name);
  phases.forEach((name, i) => {
    if (phases.indexOf(name) !== i) problems.push(`phases[${i}].name: duplicate phase "${name}"`);
  });
  doc.phases.forEach((phase, i) => {
    const steps = phase.steps.map((s) => s.name);
    steps.forEach((name, j) => {
      if (steps.indexOf(name) !== j) problems.push(`phases[${i}].steps[${j}].name: duplicate step "${name}" in phase`);
    });
  });
  if (problems.length > 0) return { ok: false, problems };
  const parameters = new Map<string, { hasDefault: boolean }>();
  for (const entry of doc.parameters ?? []) {
    for (const [name, definition] of Object.entries(entry)) {
      parameters.set(name, { hasDefault: definition.default !== undefined });
    }
  }
  const actions = [...new Set(doc.phases.flatMap((phase) => phase.steps.map((step) => step.action)))];
  return { ok: true, document: { name: doc.name, phases, parameters, actions } };
}
