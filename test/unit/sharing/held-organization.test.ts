import { describe, expect, it } from 'vitest';
import {
  accountItem,
  accountPlaces,
  heldChanges,
  heldState,
  stateItem,
  treeFromHeldItems,
} from '../../../core/sharing/held-organization.js';
import { applyNodeReads, nodesNamedBy } from '../../../core/sharing/organization-events.js';
import type { OrgTree } from '../../../core/sharing/targets.js';

const ORG = 'arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5';
const ouArn = (id: string) => `arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/${id}`;
const ROOT = 'r-a1b2';
const PROD = 'ou-a1b2-prod0001';
const PAY = 'ou-a1b2-pay00001';

function tree(over: Partial<OrgTree> = {}): OrgTree {
  return {
    organizationArn: ORG,
    rootId: ROOT,
    ous: new Map([
      [PROD, { arn: ouArn(PROD), parentId: ROOT, name: 'prod' }],
      [PAY, { arn: ouArn(PAY), parentId: PROD, name: 'payments' }],
    ]),
    accounts: new Map<string, { parentId: string; state: string; tags: Record<string, string> }>([
      ['200000000001', { parentId: PAY, state: 'ACTIVE', tags: { ring: 'early' } }],
      ['200000000002', { parentId: ROOT, state: 'ACTIVE', tags: {} }],
    ]),
    tagsRead: true,
    ...over,
  };
}

function items(t: OrgTree, fullReadAt = '2027-01-01T00:00:00Z'): Record<string, unknown>[] {
  const { put } = heldChanges(undefined, t);
  return [stateItem(t, fullReadAt), ...put] as unknown as Record<string, unknown>[];
}

describe('the organization as the ledger holds it', () => {
  it('decodes to the tree it was written from: OUs with names, accounts with parents, states and tags', () => {
    expect(treeFromHeldItems(items(tree()))).toEqual(tree());
  });

  it('is absent until a full read wrote its state', () => {
    const { put } = heldChanges(undefined, tree());
    expect(treeFromHeldItems(put as unknown as Record<string, unknown>[])).toBeUndefined();
    expect(heldState([])).toBeUndefined();
    expect(heldState(items(tree(), '2027-02-01T00:00:00Z'))).toEqual({ fullReadAt: '2027-02-01T00:00:00Z' });
  });

  it('keeps each account’s path from the root, for grouping the fleet by OU', () => {
    expect(accountItem(tree(), '200000000001').path).toEqual([ROOT, PROD, PAY]);
    expect(accountPlaces(tree()).get('200000000002')).toEqual({ parentId: ROOT, path: [ROOT] });
  });

  it('leaves out an item whose parent it does not hold', () => {
    const orphan = {
      pk: 'ORG',
      sk: 'ACCOUNT#200000000009',
      id: '200000000009',
      parentId: 'ou-a1b2-gone0001',
      state: 'ACTIVE',
      path: [],
    };
    expect(treeFromHeldItems([...items(tree()), orphan])?.accounts.has('200000000009')).toBe(false);
  });

  it('writes only what changed: a moved account, and removes what is gone', () => {
    const before = tree();
    const accounts = new Map(before.accounts);
    accounts.set('200000000002', { parentId: PROD, state: 'ACTIVE', tags: {} });
    accounts.delete('200000000001');
    const changes = heldChanges(before, { ...before, accounts });
    expect(changes.put.map((i) => i.sk)).toEqual(['ACCOUNT#200000000002']);
    expect(changes.remove).toEqual([{ pk: 'ORG', sk: 'ACCOUNT#200000000001' }]);
    expect(heldChanges(before, tree())).toEqual({ put: [], remove: [] });
  });
});

describe("Organizations' events", () => {
  const call = (eventName: string, extra: Record<string, unknown> = {}) => ({ eventName, ...extra });

  it('name the node to read back, never what changed', () => {
    expect(
      nodesNamedBy(
        call('MoveAccount', { requestParameters: { accountId: '200000000002', destinationParentId: PROD } }),
      ),
    ).toEqual({ accounts: ['200000000002'], ous: [] });
    expect(nodesNamedBy(call('TagResource', { requestParameters: { resourceId: '200000000001' } }))).toEqual({
      accounts: ['200000000001'],
      ous: [],
    });
    expect(
      nodesNamedBy(call('DeleteOrganizationalUnit', { requestParameters: { organizationalUnitId: PAY } })),
    ).toEqual({ accounts: [], ous: [PAY] });
    expect(
      nodesNamedBy(call('CreateOrganizationalUnit', { responseElements: { organizationalUnit: { id: PAY } } })),
    ).toEqual({ accounts: [], ous: [PAY] });
    expect(
      nodesNamedBy(
        call('CreateAccountResult', {
          serviceEventDetails: { createAccountStatus: { state: 'SUCCEEDED', accountId: '200000000003' } },
        }),
      ),
    ).toEqual({ accounts: ['200000000003'], ous: [] });
  });

  it('name the account that joined or left, by invitation or on its own, from the membership events', () => {
    expect(
      nodesNamedBy(
        call('AccountDepartedOrganization', {
          eventType: 'AwsServiceEvent',
          serviceEventDetails: {
            accountId: '200000000002',
            departedMethod: 'Left',
            departedTime: '2027-01-01T06:00:00Z',
          },
        }),
      ),
    ).toEqual({ accounts: ['200000000002'], ous: [] });
    expect(
      nodesNamedBy(
        call('AccountJoinedOrganization', {
          serviceEventDetails: {
            accountId: '200000000004',
            joinedMethod: 'Invited',
            joinedTime: '2027-01-01T07:00:00Z',
          },
        }),
      ),
    ).toEqual({ accounts: ['200000000004'], ous: [] });
    // A membership event whose account id is elsewhere than expected still leads to the change: a full read.
    expect(nodesNamedBy(call('AccountJoinedOrganization', { serviceEventDetails: {} }))).toHaveProperty('fullRead');
  });

  it('ask for a full read when they cannot name the node, and ignore failed calls and other calls', () => {
    expect(nodesNamedBy(call('AcceptHandshake'))).toHaveProperty('fullRead');
    expect(nodesNamedBy(call('MoveAccount', { requestParameters: { accountId: 'not-an-id' } }))).toHaveProperty(
      'fullRead',
    );
    expect(
      nodesNamedBy(
        call('MoveAccount', { errorCode: 'AccessDenied', requestParameters: { accountId: '200000000002' } }),
      ),
    ).toHaveProperty('ignored');
    expect(nodesNamedBy(call('ListAccounts'))).toHaveProperty('ignored');
    expect(
      nodesNamedBy(call('CreateAccountResult', { serviceEventDetails: { createAccountStatus: { state: 'FAILED' } } })),
    ).toEqual({ accounts: [], ous: [] });
  });

  it('apply what Organizations answered: an account moved, one gone, tags kept when not re-read', () => {
    const after = applyNodeReads(tree(), [
      { kind: 'account', id: '200000000002', parentId: PAY, state: 'ACTIVE' },
      { kind: 'gone', id: '200000000001' },
    ]);
    expect(after?.accounts.get('200000000002')).toEqual({ parentId: PAY, state: 'ACTIVE', tags: {} });
    expect(after?.accounts.has('200000000001')).toBe(false);
  });

  it('cannot be applied where the parent is not held: the caller reads in full', () => {
    expect(
      applyNodeReads(tree(), [{ kind: 'account', id: '200000000002', parentId: 'ou-a1b2-new00001', state: 'ACTIVE' }]),
    ).toBeUndefined();
    expect(applyNodeReads(tree(), [{ kind: 'gone', id: PAY }])).toBeUndefined();
  });
});
