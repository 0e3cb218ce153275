import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExpectedRole, HeldRole } from '../../../core/audit/roles.js';

/**
 * The roles' audit when the account's role details (iam:GetAccountAuthorizationDetails) do not answer for every
 * recorded role: each role missing from them, or every role when they cannot be read, is read by its own reads, so a
 * changed role is still found and its functions stopped.
 */

const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const role = (name: string): ExpectedRole => ({
  parameter: `/goldsmith/_roles/test/${name}`,
  name,
  arn: `arn:aws:iam::111111111111:role/${name}`,
  trust: TRUST,
  inline: {},
  managed: [],
});
const clean: HeldRole = { trust: TRUST, inline: {}, managed: [] };
const changed: HeldRole = {
  ...clean,
  inline: { Mallory: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
};
const ENGINE = role('test-goldsmith-RolloutEngineRole');
const PUBLISHER = role('test-goldsmith-PublisherRole');

const iam = {
  details: vi.fn<() => Promise<{ roles: Map<string, HeldRole>; pages: number }>>(),
  own: new Map<string, HeldRole>(),
  ownReads: [] as string[],
};
const recorded: string[] = [];
const stopped: string[] = [];

vi.mock('../../../aws/audit/roles.js', () => ({
  readExpectedRoles: async () => ({ roles: [ENGINE, PUBLISHER], pages: 1 }),
  readRoles: () => iam.details(),
  readRole: async (name: string) => {
    iam.ownReads.push(name);
    const held = iam.own.get(name);
    if (!held) throw Object.assign(new Error(`The role with name ${name} cannot be found.`), { name: 'NoSuchEntity' });
    return { role: held, calls: 4 };
  },
}));
vi.mock('../../../aws/audit/functions.js', () => ({
  readExpectedFunctions: async () => [{ name: 'test-rollout-start', role: ENGINE.arn }],
  readFunction: async () => ({ reserved: undefined }),
  stopFunction: async (name: string) => {
    stopped.push(name);
  },
  stackChanging: async () => undefined,
}));
vi.mock('../../../functions/audit/policies.js', () => ({
  recordUnrepaired: async (_part: unknown, finding: { name: string }) => {
    recorded.push(finding.name);
  },
}));

const { auditRoles } = await import('../../../functions/audit/roles.js');
const NOW = new Date('2027-02-10T00:00:00Z');

beforeEach(() => {
  iam.details.mockReset();
  iam.own.clear();
  iam.ownReads.length = 0;
  recorded.length = 0;
  stopped.length = 0;
});

describe("the roles' audit falling back to each role's own reads", () => {
  it('reads every role on its own when the role details cannot be read, finds the changed one and fails the part', async () => {
    iam.details.mockRejectedValue(
      Object.assign(new Error('not authorized to perform: iam:GetAccountAuthorizationDetails'), {
        name: 'AccessDenied',
      }),
    );
    iam.own.set(ENGINE.name, changed);
    iam.own.set(PUBLISHER.name, clean);

    const part = await auditRoles(NOW, 'test', 'test-audit-functions');

    expect(iam.ownReads).toEqual([ENGINE.name, PUBLISHER.name]);
    expect(recorded).toEqual([ENGINE.name]);
    expect(stopped).toEqual(['test-rollout-start']);
    expect(part.failures).toEqual([
      expect.stringContaining("the account's role details (each role read on its own instead)"),
    ]);
    expect(part.reads).toBe(1 + 1 + 8 + 2);
  });

  it('reads a recorded role missing from the role details on its own: a change to it found, a deleted one a failure', async () => {
    iam.details.mockResolvedValue({ roles: new Map([[PUBLISHER.name, clean]]), pages: 1 });
    iam.own.set(ENGINE.name, changed);

    const found = await auditRoles(NOW, 'test', 'test-audit-functions');

    expect(iam.ownReads).toEqual([ENGINE.name]);
    expect(recorded).toEqual([ENGINE.name]);
    expect(stopped).toEqual(['test-rollout-start']);
    expect(found.failures).toEqual([]);

    iam.own.clear();
    iam.ownReads.length = 0;
    recorded.length = 0;
    const gone = await auditRoles(NOW, 'test', 'test-audit-functions');
    expect(iam.ownReads).toEqual([ENGINE.name]);
    expect(recorded).toEqual([]);
    expect(gone.failures).toEqual([`role ${ENGINE.name}: The role with name ${ENGINE.name} cannot be found.`]);
  });
});
