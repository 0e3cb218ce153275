import * as z from 'zod';
import { catalogShapeSchema } from '../../core/config/schema.js';
import { reportSchema } from '../../local/simulator/report-schema.js';
import { scenarioSchema } from '../../local/simulator/scenario.js';
import { isoTime, kinds, rawEvent } from '../../local/simulator/scenario-events.js';

/**
 * JSON Schemas generated from the zod schemas the code parses with, so that editors complete and check catalogs,
 * scenarios and reports, and the committed files cannot drift from the code (test/unit/docs/schemas.test.ts).
 */

// A scenario event is parsed in two steps (its timing, then its kind or raw event: local/simulator/scenario.ts),
// which zod runs as a transform that JSON Schema cannot express. The same parts, joined into one object per kind,
// describe what a file may say.
const timingFields = {
  at: isoTime.optional().describe('when the event happens (ISO-8601); or use "when"'),
  when: z.literal('approval-requested').optional().describe('fire when the nth approval request is made'),
  nth: z.number().int().min(1).optional().describe('with "when": which approval request (default 1)'),
};
const scenarioEventDoc = z.union([
  ...kinds.options.map((kind) => kind.extend(timingFields)),
  rawEvent.extend(timingFields),
]);
const scenarioDoc = scenarioSchema.extend({ events: z.array(scenarioEventDoc).optional() });

function titled(title: string, schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema, ...rest } = schema;
  return { $schema, title, ...rest };
}

/** File name under docs/schemas/ → the JSON Schema (what users write: defaults make fields optional). */
export function jsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    'catalog.schema.json': titled(
      'Goldsmith catalog (goldsmith.config.ts or .json)',
      z.toJSONSchema(catalogShapeSchema, { io: 'input', unrepresentable: 'any' }),
    ),
    'scenario.schema.json': titled(
      'Goldsmith simulation scenario (goldsmith simulate --scenario FILE)',
      z.toJSONSchema(scenarioDoc, { io: 'input', unrepresentable: 'any' }),
    ),
    'report.schema.json': titled(
      'Goldsmith simulation report (goldsmith simulate --json)',
      z.toJSONSchema(reportSchema, { io: 'output', unrepresentable: 'any' }),
    ),
  };
}

/** The text a schema file holds: two-space JSON and a final newline. */
export function schemaText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
