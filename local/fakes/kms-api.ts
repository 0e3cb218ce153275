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
function entries(key: KmsKey, volumes: readonly VolumeGrantHolder[]): Record<string, unknown>[] {
  const explicit = key.grants.map((g) => ({
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
  }));
  // EBS's grant per volume: grantee the EC2 infrastructure, constrained to the volume's id.
  const perVolume = volumes.map((v) => ({
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
  }));
  return [...explicit, ...perVolume];
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
          const all = entries(key, volumesOf(call.region, key)).filter(
            (g) =>
              (call.input.GrantId === undefined || g.GrantId === call.input.GrantId) &&
              (call.input.GranteePrincipal === undefined || g.GranteePrincipal === call.input.GranteePrincipal),
          );
          const from = offsetOf(call.input.Marker);
          const page = all.slice(from, from + limit);
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
