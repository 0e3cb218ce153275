import { describe, expect, it } from 'vitest';
import { scenarioEventSchema } from '../../../local/simulator/scenario-events.js';

const at = '2027-01-03T12:00:00Z';
const issues = (event: Record<string, unknown>) => {
  const parsed = scenarioEventSchema.safeParse({ at, kind: 'organization', ...event });
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('organization scenario events', () => {
  it('takes each change with the fields it reads', () => {
    expect(issues({ change: 'create-account', account: '300000000001', to: 'ou-x1y2-prd00003' })).toEqual([]);
    expect(issues({ change: 'create-account', account: '300000000001', tags: { ring: 'early' } })).toEqual([]);
    expect(issues({ change: 'create-ou', ou: 'ou-x1y2-new00001', to: 'ou-x1y2-prd00001', name: 'payments' })).toEqual(
      [],
    );
    expect(issues({ change: 'accept-invitation', account: '300000000009', tags: { team: 'a' } })).toEqual([]);
  });

  it('refuses a field the change would ignore, so an account meant for an OU does not land under the root', () => {
    expect(issues({ change: 'create-account', account: '300000000001', ou: 'ou-x1y2-prd00003' })).toEqual([
      'ou: not used by create-account (`to` says where it goes)',
    ]);
    expect(issues({ change: 'remove-account', account: '300000000001', to: 'ou-x1y2-prd00003' })).toEqual([
      'to: not used by remove-account',
    ]);
    expect(issues({ change: 'delete-ou', ou: 'ou-x1y2-new00001', account: '300000000001' })).toEqual([
      'account: not used by delete-ou',
    ]);
  });
});
