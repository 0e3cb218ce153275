import { InvalidNextTokenException, InvalidParameterException, RAMServiceException } from '@aws-sdk/client-ram';
import { errorFactory } from './common.js';

/** The RAM fake's errors and shapes (ram.ts has the fake itself). */

export const err = errorFactory(RAMServiceException);
export const invalid = (msg: string): Error => err(InvalidParameterException, msg);

export interface Association {
  readonly entity: string;
  status: 'ASSOCIATING' | 'ASSOCIATED' | 'FAILED' | 'DISASSOCIATING' | 'DISASSOCIATED';
  statusMessage?: string | undefined;
  readonly createdAt: Date;
  updatedAt: Date;
}

export interface ResourceShare {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  allowExternalPrincipals: boolean;
  readonly createdAt: Date;
  readonly tags: { key: string; value: string }[];
  /**
   * `CREATED_FROM_POLICY`: made by RAM for a resource policy someone attached to a resource of this account, visible
   * to its owner only and not changed through RAM (ram-policy-shares.ts); `STANDARD` otherwise, or when absent (a
   * share a local cloud of an earlier release saved).
   */
  readonly featureSet?: 'STANDARD' | 'CREATED_FROM_POLICY';
  readonly principals: Map<string, Association>;
  readonly resources: Map<string, Association>;
}

/** https://docs.aws.amazon.com/ram/latest/APIReference/API_GetResourceShares.html: maxResults 1–500. */
export const PAGE = {
  max: 500,
  invalidToken: () => err(InvalidNextTokenException, 'The specified value for NextToken is not valid.'),
};
