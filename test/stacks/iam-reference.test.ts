import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import everyOption from '../../examples/catalogs/every-option.js';
import { IAM_REFERENCE, iamReference, roleActions } from '../../scripts/schemas/iam-reference.js';

const root = resolve(import.meta.dirname, '../..');

describe(IAM_REFERENCE, () => {
  it('is the page generated from the roles of the synthesized stacks (npm run schemas rewrites it)', async () => {
    expect(readFileSync(join(root, IAM_REFERENCE), 'utf8')).toBe(await iamReference(everyOption));
  }, 120_000);

  it("lists each function's role: the operator endpoint starts builds, only the rollout assumes member roles", async () => {
    const roles = new Map((await roleActions(everyOption)).map((r) => [r.handler, r.actions]));
    expect(roles.size).toBeGreaterThanOrEqual(20);
    expect(roles.get('functions/operator.handler')).toContain('imagebuilder:StartImagePipelineExecution');
    const assumers = [...roles].filter(([, actions]) => actions.includes('sts:AssumeRole')).map(([h]) => h);
    expect(assumers.every((h) => /rollout|on-finding/.test(h))).toBe(true);
    for (const actions of roles.values()) expect(actions.some((a) => /^(logs|xray):/.test(a))).toBe(false);
  }, 120_000);
});
