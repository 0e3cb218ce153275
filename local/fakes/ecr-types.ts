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

export interface Repository {
  readonly name: string;
  readonly region: string;
  readonly arn: string;
  readonly createdAt: Date;
  tagMutability: 'MUTABLE' | 'IMMUTABLE';
  policy: string | undefined;
  readonly images: Map<string, EcrImage>;
}
