import {
  InvalidGrantIdException,
  InvalidMarkerException,
  KMSServiceException,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';
import type { KmsFake } from './kms.js';
import { revokeGrantOf } from './kms-grants.js';
import type { KmsKey } from './kms-types.js';

/**
 * The KMS calls Goldsmith's grants auditor makes (functions/key-grants.ts), answered from the KMS fake's keys:
 * ListGrants and RevokeGrant on the AMI key, as the API reference documents them.
 */

const err = errorFactory(KMSServiceException as never);

/** ListGrants' `Limit`: "1 to 100, default 50" (https://docs.aws.amazon.com/kms/latest/APIReference/API_ListGrants.html). */
export const LIST_GRANTS_DEFAULT_LIMIT = 50;
export const LIST_GRANTS_MAX_LIMIT = 100;

/** An attached volume's grant on a key: EC2 holds it for the volume's account (kms-grants.ts, VolumeGrantCounts). */
export interface VolumeGrantHolder {
  readonly volumeId: string;
  readonly account: string;
}

/** A grant as ListGrants returns it (https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantListEntry.html). */
function explicitEntry(key: KmsKey, g: KmsKey['grants'][number]): Record<string, unknown> {
  return {
    KeyId: key.arn,
    GrantId: g.grantId,
    ...(g.name ? { Name: g.name } : {}),
    GranteePrincipal: g.granteePrincipal,
    ...(g.retiringPrincipal ? { RetiringPrincipal: g.retiringPrincipal } : {}),
    IssuingAccount: `arn:aws:iam::${g.issuingAccount}:root`,
    Operations: [...g.operations],
    // "CreationDate: the date and time when the grant was created"; "Constraints" as CreateGrant gave them.
    CreationDate: new Date(g.createdAt ?? 0),
    ...(g.constraints ? { Constraints: g.constraints } : {}),
  };
}

/** EBS's grant per volume: grantee the EC2 infrastructure, constrained to the volume's id. */
function volumeEntry(key: KmsKey, v: VolumeGrantHolder): Record<string, unknown> {
  return {
    KeyId: key.arn,
    GrantId: `volume-${v.volumeId}`,
    GranteePrincipal: 'aws:ec2-infrastructure',
    IssuingAccount: `arn:aws:iam::${v.account}:root`,
    Operations: [
      'Decrypt',
      'Encrypt',
      'GenerateDataKeyWithoutPlaintext',
      'ReEncryptFrom',
      'ReEncryptTo',
      'CreateGrant',
    ],
    Constraints: { EncryptionContextSubset: { 'aws:ebs:id': v.volumeId } },
  };
}

/** The grants ListGrants lists for `input`'s filters, explicit ones first, made into entries only for the page. */
function listed(key: KmsKey, volumes: readonly VolumeGrantHolder[], input: Record<string, unknown>) {
  const all: { length: number; entry: (i: number) => Record<string, unknown> } = {
    length: key.grants.length + volumes.length,
    entry: (i) =>
      i < key.grants.length
        ? explicitEntry(key, key.grants[i] as KmsKey['grants'][number])
        : volumeEntry(key, volumes[i - key.grants.length] as VolumeGrantHolder),
  };
  if (input.GrantId === undefined && input.GranteePrincipal === undefined) return all;
  const entries = Array.from({ length: all.length }, (_, i) => all.entry(i)).filter(
    (g) =>
      (input.GrantId === undefined || g.GrantId === input.GrantId) &&
      (input.GranteePrincipal === undefined || g.GranteePrincipal === input.GranteePrincipal),
  );
  return { length: entries.length, entry: (i: number) => entries[i] as Record<string, unknown> };
}

/** The offset a Marker stands for: only markers this fake handed out are valid. */
function offsetOf(marker: unknown): number {
  if (marker === undefined) return 0;
  const m = /^grants-after-(\d+)$/.exec(String(marker));
  if (!m)
    throw err(
      InvalidMarkerException as never,
      'The request was rejected because the marker that specifies where pagination should next begin is not valid.',
    );
  return Number(m[1]);
}

export function kmsApi(
  fake: KmsFake,
  volumesOf: (region: string, key: KmsKey) => readonly VolumeGrantHolder[],
): FakeService {
  const keyOf = (call: FakeCall) => {
    const ref = String(call.input.KeyId ?? '');
    const key = fake.key(call.region, ref);
    if (!key) throw err(NotFoundException as never, `Key '${ref}' does not exist`);
    return key;
  };
  return {
    handle(call: FakeCall): unknown {
      switch (call.action) {
        case 'ListGrants': {
          // "Truncated: a flag that indicates whether there are more items in the list"; NextMarker only then.
          const key = keyOf(call);
          const limit = Number(call.input.Limit ?? LIST_GRANTS_DEFAULT_LIMIT);
          const all = listed(key, volumesOf(call.region, key), call.input);
          const from = offsetOf(call.input.Marker);
          const page = Array.from({ length: Math.max(0, Math.min(limit, all.length - from)) }, (_, i) =>
            all.entry(from + i),
          );
          const truncated = from + limit < all.length;
          return {
            Grants: page,
            Truncated: truncated,
            ...(truncated ? { NextMarker: `grants-after-${from + limit}` } : {}),
          };
        }
        case 'RevokeGrant': {
          // "Required permissions: kms:RevokeGrant (key policy)": the key's own account, whose IAM the key policy
          // delegates to (https://docs.aws.amazon.com/kms/latest/APIReference/API_RevokeGrant.html).
          const key = keyOf(call);
          const grantId = String(call.input.GrantId ?? '');
          if (!/^[a-zA-Z0-9-]{1,128}$/.test(grantId))
            throw err(InvalidGrantIdException as never, `Grant ID ${grantId} is not valid`);
          if (call.accountId !== fake.accountId)
            throw err(
              'AccessDeniedException',
              `User: ${call.principal ?? call.accountId} is not authorized to perform: kms:RevokeGrant on resource: ${key.arn}`,
            );
          // An unknown grant (never made, or revoked or retired before) is NotFoundException.
          if (!revokeGrantOf(key, grantId)) throw err(NotFoundException as never, `Grant ID ${grantId} not found`);
          return {};
        }
        default:
          throw new NotImplementedByFakeError('kms', call.action);
      }
    },
  };
}
