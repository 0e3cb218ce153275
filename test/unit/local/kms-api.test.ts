import { ListGrantsCommand, RevokeGrantCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listKeyGrants, revokeKeyGrant } from '../../../aws/audit/key-grants.js';
import { client } from '../../../aws/clients.js';
import { kmsApi } from '../../../local/fakes/kms-api.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

/**
 * The local KMS's answers to the SDK (local/fakes/kms-api.ts): ListGrants in pages as the API reference documents
 * them (Limit 1–100, default 50; NextMarker only while Truncated; a marker it did not hand out refused), the grants
 * EC2 holds for attached volumes listed one by one, and RevokeGrant's errors.
 */

const KEY_ID = 'mrk-11112222333344445555666677778888';
const MEMBER = '200000000001';
let cloud: ReturnType<typeof localCloud>;

function grants(n: number): string[] {
  const caller = { account: MEMBER, principalArn: `arn:aws:iam::${MEMBER}:role/admin`, identityAllows: true };
  return Array.from({ length: n }, () =>
    cloud.fakes.kms.createGrant('us-east-1', KEY_ID, caller, {
      granteePrincipal: `arn:aws:iam::${MEMBER}:role/app`,
      operations: ['Decrypt'],
    }),
  );
}

beforeEach(() => {
  cloud = localCloud();
  const policy = { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] };
  cloud.fakes.kms.createKey('us-east-1', KEY_ID, policy, { multiRegion: true });
});
afterEach(resetClients);

describe('ListGrants', () => {
  it('pages by Limit: NextMarker while Truncated, none on the last page', async () => {
    grants(5);
    const kms = client('kms', 'us-east-1');
    const first = await kms.send(new ListGrantsCommand({ KeyId: KEY_ID, Limit: 2 }));
    expect(first.Grants).toHaveLength(2);
    expect(first.Truncated).toBe(true);
    const second = await kms.send(new ListGrantsCommand({ KeyId: KEY_ID, Limit: 2, Marker: first.NextMarker }));
    const last = await kms.send(new ListGrantsCommand({ KeyId: KEY_ID, Limit: 2, Marker: second.NextMarker }));
    expect(last).toMatchObject({ Truncated: false });
    expect(last.Grants).toHaveLength(1);
    expect(last.NextMarker).toBeUndefined();
    const ids = [...(first.Grants ?? []), ...(second.Grants ?? []), ...(last.Grants ?? [])].map((g) => g.GrantId);
    expect(new Set(ids).size).toBe(5);
  });

  it('answers 50 grants a page without a Limit, and the paginator reads them all', async () => {
    grants(120);
    const page = await client('kms', 'us-east-1').send(new ListGrantsCommand({ KeyId: KEY_ID }));
    expect(page.Grants).toHaveLength(50);
    expect(await listKeyGrants('us-east-1', KEY_ID)).toHaveLength(120);
    expect(cloud.stats.apiCalls['kms:ListGrants']).toBe(3);
  });

  it('refuses a marker it did not hand out, and a key it does not hold', async () => {
    const kms = client('kms', 'us-east-1');
    await expect(kms.send(new ListGrantsCommand({ KeyId: KEY_ID, Marker: 'forged' }))).rejects.toMatchObject({
      name: 'InvalidMarkerException',
    });
    await expect(
      kms.send(new ListGrantsCommand({ KeyId: 'mrk-00000000000000000000000000000000' })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it("lists an attached volume's grant: grantee the EC2 infrastructure, issued by the volume's account", () => {
    // A volume the key encrypts, as the installed fleet would hold it (kms-volumes.ts).
    const api = kmsApi(cloud.fakes.kms, () => [{ volumeId: 'vol-0123', account: MEMBER }]);
    const out = api.handle({
      service: 'kms',
      action: 'ListGrants',
      input: { KeyId: KEY_ID },
      body: undefined,
      region: 'us-east-1',
      accountId: ACCOUNT,
    }) as { Grants: Record<string, unknown>[] };
    expect(out.Grants).toEqual([
      expect.objectContaining({
        GranteePrincipal: 'aws:ec2-infrastructure',
        IssuingAccount: `arn:aws:iam::${MEMBER}:root`,
        Constraints: { EncryptionContextSubset: { 'aws:ebs:id': 'vol-0123' } },
      }),
    ]);
  });
});

describe('RevokeGrant', () => {
  it('removes the grant; a grant already gone is NotFoundException, which the edge takes as done', async () => {
    const [id] = grants(1);
    const kms = client('kms', 'us-east-1');
    await kms.send(new RevokeGrantCommand({ KeyId: KEY_ID, GrantId: id }));
    expect(cloud.fakes.kms.grantsHeld('us-east-1', KEY_ID)?.explicit).toBe(0);
    await expect(kms.send(new RevokeGrantCommand({ KeyId: KEY_ID, GrantId: id }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    expect(await revokeKeyGrant('us-east-1', KEY_ID, id ?? '')).toBe('gone');
  });

  it('refuses a malformed grant id', async () => {
    await expect(
      client('kms', 'us-east-1').send(new RevokeGrantCommand({ KeyId: KEY_ID, GrantId: 'not a grant!' })),
    ).rejects.toMatchObject({ name: 'InvalidGrantIdException' });
  });
});
