import { describe, expect, it } from 'vitest';
import {
  type AssociationSeen,
  hasDrifted,
  pointerShareDrift,
  repairResources,
} from '../../../core/sharing/pointer-share-drift.js';

const SHARE = 'arn:aws:ram:us-east-1:111122223333:resource-share/dev';
const OTHER = 'arn:aws:ram:us-east-1:111122223333:resource-share/prod';
const held = { resourceShareArn: SHARE, principals: ['ou-a', 'ou-b'], resources: ['param-2', 'param-1'] };
const seen = (entity: string, status = 'ASSOCIATED', resourceShareArn = SHARE): AssociationSeen => ({
  resourceShareArn,
  entity,
  status,
});
const allPrincipals = [seen('ou-a'), seen('ou-b')];
const allResources = [seen('param-1'), seen('param-2')];

describe('pointerShareDrift', () => {
  it('finds nothing when RAM associates exactly what is held (ASSOCIATING counts as in force)', () => {
    const d = pointerShareDrift(held, [seen('ou-a'), seen('ou-b', 'ASSOCIATING')], allResources);
    expect(d).toEqual({
      missingPrincipals: [],
      extraPrincipals: [],
      missingResources: [],
      foreignResources: [],
      failed: [],
    });
    expect(hasDrifted(d)).toBe(false);
    expect(repairResources(held, d)).toEqual([]);
  });

  it('finds a principal taken out and one added outside Goldsmith, and repairs through the first parameter', () => {
    const d = pointerShareDrift(
      held,
      [seen('ou-a'), seen('ou-b', 'DISASSOCIATED'), seen('123456789012')],
      allResources,
    );
    expect(d.missingPrincipals).toEqual(['ou-b']);
    expect(d.extraPrincipals).toEqual(['123456789012']);
    expect(hasDrifted(d)).toBe(true);
    expect(repairResources(held, d)).toEqual(['param-1']);
  });

  it('lists what differs sorted, whatever order RAM and the ledger give', () => {
    const unsorted = { resourceShareArn: SHARE, principals: ['ou-z', 'ou-a'], resources: ['param-9', 'param-1'] };
    const d = pointerShareDrift(
      unsorted,
      [seen('ou-y'), seen('ou-b'), seen('ou-x', 'FAILED')],
      [seen('param-3', 'FAILED'), seen('param-2', 'FAILED')],
    );
    expect(d.missingPrincipals).toEqual(['ou-a', 'ou-z']);
    expect(d.extraPrincipals).toEqual(['ou-b', 'ou-y']);
    expect(d.missingResources).toEqual(['param-1', 'param-9']);
    expect(d.failed).toEqual(['ou-x', 'param-2', 'param-3']);
  });

  it('counts each kind of difference alone as drift', () => {
    const none = { missingPrincipals: [], extraPrincipals: [], missingResources: [], foreignResources: [], failed: [] };
    expect(hasDrifted({ ...none, missingPrincipals: ['ou-a'] })).toBe(true);
    expect(hasDrifted({ ...none, extraPrincipals: ['ou-b'] })).toBe(true);
    expect(hasDrifted({ ...none, missingResources: ['param-1'] })).toBe(true);
    expect(hasDrifted({ ...none, failed: ['ou-c'] })).toBe(false);
  });

  it('finds a parameter taken out, and repairs that parameter', () => {
    const d = pointerShareDrift(held, allPrincipals, [seen('param-1'), seen('param-2', 'DISASSOCIATING')]);
    expect(d.missingResources).toEqual(['param-2']);
    expect(repairResources(held, d)).toEqual(['param-2']);
  });

  it('reads only its own share: the associations of the Region’s other shares count for nothing', () => {
    const d = pointerShareDrift(
      held,
      allPrincipals.map((a) => ({ ...a, resourceShareArn: OTHER })),
      [],
    );
    expect(d.missingPrincipals).toEqual(['ou-a', 'ou-b']);
    expect(d.missingResources).toEqual(['param-1', 'param-2']);
  });

  it('names FAILED associations, which are not in force', () => {
    const d = pointerShareDrift(held, [seen('ou-a'), seen('ou-b', 'FAILED')], allResources);
    expect(d.failed).toEqual(['ou-b']);
    expect(d.missingPrincipals).toEqual(['ou-b']);
  });

  it('names resources someone else associated with the share, and counts them as nothing to repair', () => {
    const d = pointerShareDrift(held, allPrincipals, [
      ...allResources,
      seen('their-param'),
      seen('gone', 'DISASSOCIATED'),
    ]);
    expect(d.foreignResources).toEqual(['their-param']);
    expect(hasDrifted(d)).toBe(false);
    expect(repairResources(held, d)).toEqual([]);
  });

  it('has nothing to repair through when the share holds no parameter', () => {
    const empty = { ...held, resources: [] };
    const d = pointerShareDrift(empty, [seen('ou-a')], []);
    expect(hasDrifted(d)).toBe(true);
    expect(repairResources(empty, d)).toEqual([]);
  });
});
