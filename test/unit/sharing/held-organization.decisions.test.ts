import { describe, expect, it } from 'vitest';
import {
  accountItem,
  changesNoEventSaid,
  heldChanges,
  heldState,
  ouItem,
  stateItem,
  treeFromHeldItems,
} from '../../../core/sharing/held-organization.js';
import { applyNodeReads, nodesNamedBy } from '../../../core/sharing/organization-events.js';
import type { OrgTree } from '../../../core/sharing/targets.js';

const ORG = 'arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5';
const ROOT = 'r-a1b2';
const OU = 'ou-a1b2-prod0001';
const OU2 = 'ou-a1b2-team0001';
const A = '200000000001';

function tree(over: Partial<OrgTree> = {}): OrgTree {
  return {
    organizationArn: ORG,
    rootId: ROOT,
    ous: new Map([[OU, { arn: `${ORG}/${OU}`, parentId: ROOT }]]),
    accounts: new Map([[A, { parentId: OU, state: 'ACTIVE' }]]),
    tagsRead: false,
    ...over,
  };
}

const STATE = { pk: 'ORG', sk: 'STATE', organizationArn: ORG, rootId: ROOT, fullReadAt: '2027-01-01T00:00:00Z' };

describe('held organization items, field by field', () => {
  it('spell their keys, and leave out a name or tags the tree does not hold', () => {
    expect(ouItem(tree(), OU)).toStrictEqual({
      pk: 'ORG',
      sk: `OU#${OU}`,
      id: OU,
      arn: `${ORG}/${OU}`,
      parentId: ROOT,
      path: [ROOT],
    });
    expect(accountItem(tree(), A)).toStrictEqual({
      pk: 'ORG',
      sk: `ACCOUNT#${A}`,
      id: A,
      parentId: OU,
      state: 'ACTIVE',
      path: [ROOT, OU],
    });
    expect(() => ouItem(tree(), OU2)).toThrow(`${OU2} is not an OU of the tree`);
    expect(() => accountItem(tree(), '200000000009')).toThrow('200000000009 is not an account of the tree');
  });

  it('record a state with its change time and revision only when there are some', () => {
    expect(stateItem(tree(), '2027-01-01T00:00:00Z')).toStrictEqual({ ...STATE, tagsRead: false });
    expect(stateItem(tree(), '2027-01-01T00:00:00Z', '2027-01-02T00:00:00Z', 'r1')).toStrictEqual({
      ...STATE,
      tagsRead: false,
      changedAt: '2027-01-02T00:00:00Z',
      revision: 'r1',
    });
    expect(heldState([STATE])).toStrictEqual({ fullReadAt: '2027-01-01T00:00:00Z' });
    expect(
      heldState([
        { pk: 'ORG', sk: 'OU#x', fullReadAt: 'x' },
        { ...STATE, changedAt: 'c', revision: 'r' },
      ]),
    ).toStrictEqual({
      fullReadAt: '2027-01-01T00:00:00Z',
      changedAt: 'c',
      revision: 'r',
    });
  });

  it('decode only well-formed items: an OU needs its ARN, an account defaults to ACTIVE, tags keep strings only', () => {
    const held = treeFromHeldItems([
      { pk: 'ORG', sk: 'OU#x', id: 'x', parentId: ROOT, fullReadAt: '2027-01-01T00:00:00Z' },
      { ...STATE, tagsRead: 'yes' },
      { sk: `OU#${OU}`, id: OU, parentId: ROOT, arn: `${ORG}/${OU}`, name: 'Prod' },
      { sk: `OU#${OU2}`, id: OU2, parentId: ROOT },
      { sk: `ACCOUNT#${A}`, id: A, parentId: OU, tags: { ring: 'early', n: 3 } },
      { sk: 'ACCOUNT#200000000002', parentId: OU },
      { id: '200000000003', parentId: OU },
    ]);
    expect(held?.tagsRead).toBe(false);
    expect([...(held?.ous.entries() ?? [])]).toEqual([[OU, { arn: `${ORG}/${OU}`, parentId: ROOT, name: 'Prod' }]]);
    expect([...(held?.accounts.entries() ?? [])]).toEqual([
      [A, { parentId: OU, state: 'ACTIVE', tags: { ring: 'early' } }],
    ]);
    expect(treeFromHeldItems([{ ...STATE, fullReadAt: undefined }])).toBeUndefined();
    // An OU whose parent is not held is left out, and the accounts below it with it.
    const orphans = treeFromHeldItems([
      STATE,
      { sk: `OU#${OU2}`, id: OU2, parentId: 'ou-a1b2-gone0001', arn: 'x' },
      { sk: `ACCOUNT#${A}`, id: A, parentId: OU2 },
    ]);
    expect(orphans?.ous.size).toBe(0);
    expect(orphans?.accounts.size).toBe(0);
  });

  it('remove the OUs and accounts a tree no longer has', () => {
    const after = tree({ ous: new Map(), accounts: new Map() });
    expect(heldChanges(tree(), after)).toEqual({
      put: [],
      remove: [
        { pk: 'ORG', sk: `OU#${OU}` },
        { pk: 'ORG', sk: `ACCOUNT#${A}` },
      ],
    });
  });
});

describe("Organizations' events, the edges", () => {
  it('say why an event is ignored, in words', () => {
    expect(nodesNamedBy({})).toEqual({ ignored: 'no eventName: not a change Goldsmith holds' });
    expect(nodesNamedBy({ eventName: 'MoveAccount', errorCode: 'AccessDenied' })).toEqual({
      ignored: 'MoveAccount failed (AccessDenied): nothing changed',
    });
    expect(nodesNamedBy({ eventName: 'MoveAccount', errorCode: null, requestParameters: { accountId: A } })).toEqual({
      accounts: [A],
      ous: [],
    });
    expect(nodesNamedBy({ eventName: 'CloseAccount', requestParameters: null })).toEqual({
      fullRead: 'CloseAccount names no account or OU Goldsmith can read back',
    });
  });

  it('read an account created without a stated outcome, not one still in progress; a tag on another resource names nothing', () => {
    const created = (state?: string) => ({
      eventName: 'CreateAccountResult',
      serviceEventDetails: { createAccountStatus: { ...(state && { state }), accountId: A } },
    });
    expect(nodesNamedBy(created())).toEqual({ accounts: [A], ous: [] });
    expect(nodesNamedBy(created('IN_PROGRESS'))).toEqual({ accounts: [], ous: [] });
    expect(nodesNamedBy({ eventName: 'TagResource', requestParameters: { resourceId: 'p-abcd1234' } })).toEqual({
      accounts: [],
      ous: [],
    });
  });

  it('apply an OU read back with or without a name, and account tags only where the tree holds tags', () => {
    const named = applyNodeReads(tree(), [{ kind: 'ou', id: OU2, arn: 'arn-2', parentId: OU, name: 'Team' }]);
    expect(named?.ous.get(OU2)).toStrictEqual({ arn: 'arn-2', parentId: OU, name: 'Team' });
    const unnamed = applyNodeReads(tree(), [{ kind: 'ou', id: OU2, arn: 'arn-2', parentId: OU }]);
    expect(unnamed?.ous.get(OU2)).toStrictEqual({ arn: 'arn-2', parentId: OU });
    const untagged = applyNodeReads(tree(), [{ kind: 'account', id: A, parentId: ROOT, state: 'SUSPENDED' }]);
    expect(untagged?.accounts.get(A)).toStrictEqual({ parentId: ROOT, state: 'SUSPENDED' });
    const withTags = tree({
      tagsRead: true,
      accounts: new Map([[A, { parentId: OU, state: 'ACTIVE', tags: { ring: 'early' } }]]),
    });
    expect(
      applyNodeReads(withTags, [{ kind: 'account', id: A, parentId: ROOT, state: 'ACTIVE' }])?.accounts.get(A),
    ).toStrictEqual({
      parentId: ROOT,
      state: 'ACTIVE',
      tags: { ring: 'early' },
    });
    expect(
      applyNodeReads(tree(), [{ kind: 'ou', id: OU2, arn: 'arn-2', parentId: 'ou-a1b2-gone0001' }]),
    ).toBeUndefined();
  });
});

describe('the changes a full read found that an event would have announced', () => {
  const B = '200000000002';
  it('counts OUs created, changed or deleted, held accounts that changed, and accounts joining or leaving', () => {
    const before = tree({
      ous: new Map([
        [OU, { arn: `${ORG}/${OU}`, parentId: ROOT }],
        [OU2, { arn: `${ORG}/${OU2}`, parentId: ROOT }],
      ]),
    });
    // A moves to OU2, OU is renamed, B joins by invitation (AccountJoinedOrganization): each announced.
    const after = tree({
      ous: new Map([
        [OU, { arn: `${ORG}/${OU}`, parentId: ROOT, name: 'renamed' }],
        [OU2, { arn: `${ORG}/${OU2}`, parentId: ROOT }],
      ]),
      accounts: new Map([
        [A, { parentId: OU2, state: 'ACTIVE' }],
        [B, { parentId: ROOT, state: 'ACTIVE' }],
      ]),
    });
    expect(changesNoEventSaid(before, heldChanges(before, after))).toBe(3);
    // A leaves (AccountDepartedOrganization) and OU2 is deleted: both count.
    const gone = tree({ ous: new Map([[OU, { arn: `${ORG}/${OU}`, parentId: ROOT }]]), accounts: new Map() });
    expect(changesNoEventSaid(before, heldChanges(before, gone))).toBe(2);
    expect(changesNoEventSaid(before, heldChanges(before, before))).toBe(0);
  });
});
