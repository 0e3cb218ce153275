import { describe, expect, it } from 'vitest';
import { childrenOnReplacement } from '../../../core/status/restored-children.js';

const REVOKED_AT = '2027-01-06T12:00:00.000Z';
const RESTORED_AT = '2027-01-08T12:00:00.000Z';
const CHILDREN = [{ image: 'app', channel: 'prod' }];

/** base's ledger: 1.0.0/2 revoked (prod moved back to 1.0.0/1) and restored; `promotedToProd`: 1.0.0/2 had reached prod. */
function parentItems(promotedToProd: boolean) {
  return [
    { sk: 'REVOCATION#1.0.0/2', version: '1.0.0/2', state: 'restored', revokedAt: REVOKED_AT, restoredAt: RESTORED_AT },
    { sk: 'ROLLBACK#prod#1.0.0/2', channel: 'prod', from: '1.0.0/2', to: '1.0.0/1', at: REVOKED_AT },
    { sk: 'CHANNEL#prod', channel: 'prod', version: '1.0.0/1' },
    ...(promotedToProd
      ? [{ sk: 'PROMOTION#1.0.0/2#prod', version: '1.0.0/2', channel: 'prod', outcome: 'promoted' }]
      : []),
  ];
}

const appBuild = (version: string, parent: string, requestedAt: string) => ({
  sk: `BUILD#${version}`,
  buildVersion: version,
  requestedAt,
  parent: { image: 'base', channel: 'prod', buildVersion: parent },
});

describe('childrenOnReplacement', () => {
  const rebuiltOnReplacement = appBuild('1.0.0/3', '1.0.0/1', REVOKED_AT);

  it('names the rebuild on the replacement, and promote --through-gates when the restored version never reached the channel', () => {
    const found = childrenOnReplacement('base', parentItems(false), CHILDREN, {
      app: [appBuild('1.0.0/1', '1.0.0/1', '2027-01-02T10:52:00Z'), rebuiltOnReplacement],
    });
    expect(found).toEqual([
      {
        image: 'app',
        version: '1.0.0/3',
        parent: 'base',
        builtOn: '1.0.0/1',
        channel: 'prod',
        restored: '1.0.0/2',
        restoredAt: RESTORED_AT,
        commands: ['goldsmith promote base 1.0.0/2 --through-gates --reason R (its promotion to prod rebuilds app)'],
      },
    ]);
  });

  it('names the attempt through the gates already under way instead of starting one', () => {
    const items = [...parentItems(false), { sk: 'ATTEMPT#1.0.0/2#current', kind: 'promotion-attempt', attempt: 2 }];
    const [found] = childrenOnReplacement('base', items, CHILDREN, { app: [rebuiltOnReplacement] });
    expect(found?.commands).toEqual([
      'nothing to run: attempt 2 of base 1.0.0/2 through the gates is under way, and its promotion to prod rebuilds app',
    ]);
  });

  it('names nothing once the child was built on the restored version after the restore, or the child build is gone', () => {
    const rebuilt = appBuild('1.0.0/4', '1.0.0/2', '2027-01-09T00:00:00Z');
    expect(
      childrenOnReplacement('base', parentItems(true), CHILDREN, { app: [rebuiltOnReplacement, rebuilt] }),
    ).toEqual([]);
    const deleted = { ...rebuiltOnReplacement, deletedAt: '2027-01-07T00:00:00Z' };
    expect(childrenOnReplacement('base', parentItems(true), CHILDREN, { app: [deleted] })).toEqual([]);
    const revoked = { sk: 'REVOCATION#1.0.0/3', version: '1.0.0/3', state: 'revoked' };
    expect(
      childrenOnReplacement('base', parentItems(true), CHILDREN, { app: [rebuiltOnReplacement, revoked] }),
    ).toEqual([]);
  });

  it('names nothing while the revocation stands (not restored)', () => {
    const items = parentItems(true).map((i) => (i.sk.startsWith('REVOCATION#') ? { ...i, state: 'revoked' } : i));
    expect(childrenOnReplacement('base', items, CHILDREN, { app: [rebuiltOnReplacement] })).toEqual([]);
  });

  it("names nothing built on an operator's rollback from the version, though the revocation had recorded moving prod", () => {
    // The revocation recorded moving prod (its `channels`) but made no move there; an operator rolled prod back from
    // 1.0.0/2 a day later, while it stood: the child build on that target is the operator's doing, not the revocation's.
    const operatorAt = '2027-01-07T12:00:00.000Z';
    const items = parentItems(false).map((i) =>
      i.sk.startsWith('REVOCATION#')
        ? { ...i, channels: ['prod'] }
        : i.sk.startsWith('ROLLBACK#')
          ? { ...i, sk: `ROLLBACK#prod#1.0.0/2#${operatorAt}`, at: operatorAt, by: 'ops' }
          : i,
    );
    const onOperatorsTarget = appBuild('1.0.0/3', '1.0.0/1', operatorAt);
    expect(childrenOnReplacement('base', items, CHILDREN, { app: [onOperatorsTarget] })).toEqual([]);
  });
});
