import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import { principalOf } from '../../../local/simulator/operator.js';

const ACCOUNT = '123456789012';

/** Only what `--as` reads of a catalog: its approvers and operators. */
function catalogWith(operators: string[]): Catalog {
  const access = { ci: [], operators, approvers: { 'ops-lead': [`arn:aws:iam::${ACCOUNT}:role/ops-lead`] } };
  return { access } as unknown as Catalog;
}

describe('--as NAME', () => {
  it('names an operator role by its name when the catalog lists exactly one of that name', () => {
    const catalog = catalogWith([`arn:aws:iam::${ACCOUNT}:role/platform-engineer`]);
    expect(principalOf(catalog, 'platform-engineer')).toBe(`arn:aws:iam::${ACCOUNT}:role/platform-engineer`);
    expect(principalOf(catalog, 'ops-lead')).toBe(`arn:aws:iam::${ACCOUNT}:role/ops-lead`);
  });

  it('asks for the ARN when two operator roles share the name, and says why when none has it', () => {
    const two = catalogWith([`arn:aws:iam::${ACCOUNT}:role/ops/oncall`, 'arn:aws:iam::210987654321:role/oncall']);
    expect(() => principalOf(two, 'oncall')).toThrow(/more than one operator role of that name .*: pass the ARN/);
    expect(() => principalOf(two, 'nobody')).toThrow(
      '--as nobody: not an ARN, and the catalog maps no approver of that name nor names an operator role of it (access.operators)',
    );
  });
});
