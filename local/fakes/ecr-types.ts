import { ECRServiceException, InvalidParameterException } from '@aws-sdk/client-ecr';
import { errorFactory } from './common.js';

/** The ECR fake's errors and shapes (ecr.ts has the fake itself). */

export const err = errorFactory(ECRServiceException);
export const invalid = (msg: string): Error => err(InvalidParameterException, msg);

export interface EcrImage {
  readonly digest: string;
  readonly manifest: string;
  readonly mediaType: string;
  readonly tags: Set<string>;
  readonly pushedAt: Date;
}

export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';

export interface Repository {
  readonly name: string;
  readonly region: string;
  readonly arn: string;
  readonly createdAt: Date;
  tagMutability: TagMutability;
  /** The tags excluded from `tagMutability` (`*_WITH_EXCLUSION`), as WILDCARD filters. */
  exclusionFilters: string[];
  policy: string | undefined;
  lifecyclePolicy: string | undefined;
  readonly images: Map<string, EcrImage>;
}
