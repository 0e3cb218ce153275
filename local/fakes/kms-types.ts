import type { PolicyInput, RequestContext } from './iam-conditions.js';

/** The KMS fake's errors and shapes (kms.ts has the fake itself). */

/** The error codes this fake answers with. */
export type KmsErrorCode =
  | 'NotFoundException'
  | 'AccessDeniedException'
  | 'LimitExceededException'
  | 'AlreadyExistsException'
  | 'ValidationException'
  | 'MalformedPolicyDocumentException'
  | 'UnsupportedOperationException';

/** An error as KMS returns it (the SDK names it by its code). */
export class KmsError extends Error {
  constructor(code: KmsErrorCode, message: string) {
    super(message);
    this.name = code;
  }
}

/** What CreateGrant answers: the grant id, or the error KMS would return (without building an Error). */
export type GrantOutcome = { grantId: string } | { code: KmsErrorCode; message: string };

export interface Grant {
  readonly grantId: string;
  readonly name: string | undefined;
  readonly granteePrincipal: string;
  /** Who may retire it besides the account that created it (CreateGrant's `RetiringPrincipal`). */
  readonly retiringPrincipal?: string;
  readonly operations: readonly string[];
  readonly issuingAccount: string;
  /** When the grant is in force throughout KMS (virtual ms; 0 when the fake has no clock). */
  readonly usableAt?: number;
  /** Presenting it uses the grant before then (https://docs.aws.amazon.com/kms/latest/developerguide/using-grant-token.html). */
  readonly grantToken?: string;
  /** When it was created (virtual ms; ListGrants' `CreationDate`). */
  readonly createdAt?: number;
  /** CreateGrant's `Constraints` (encryption context pairs), as ListGrants returns them. */
  readonly constraints?: GrantConstraints;
}

/** A grant's constraints (https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html). */
export interface GrantConstraints {
  readonly EncryptionContextEquals?: Readonly<Record<string, string>>;
  readonly EncryptionContextSubset?: Readonly<Record<string, string>>;
}

export interface KmsKey {
  readonly keyId: string;
  readonly region: string;
  readonly arn: string;
  readonly multiRegion: boolean;
  readonly primaryRegion: string;
  readonly description: string;
  readonly policy: PolicyInput;
  readonly grants: Grant[];
}

/** Who calls KMS (directly, or an AWS service on its behalf). */
export interface KmsCaller {
  readonly account: string;
  readonly principalArn: string;
  /** Whether the caller's own IAM policies allow the call: cross-account calls need them as well as the key policy. */
  readonly identityAllows: boolean;
  /** `aws:PrincipalOrgID`, when the caller's account is in an organization. */
  readonly organizationId?: string;
  /**
   * `aws:PrincipalOrgPaths`: the caller account's path in the organization (`o-…/r-…/ou-…/`), when known; the KMS fake
   * asks its organization for it otherwise (KmsFake.organizationPathsOf).
   */
  readonly organizationPaths?: readonly string[];
}

/** How a request was decided, for the audit's messages. */
export interface KmsDecision {
  readonly allowed: boolean;
  readonly by: 'key-policy' | 'grant' | undefined;
  readonly reason: string;
}

/** A CreateGrant request. */
export interface GrantRequest {
  granteePrincipal: string;
  retiringPrincipal?: string;
  operations: readonly string[];
  name?: string;
  constraints?: GrantConstraints;
  viaService?: string;
  dryRun?: boolean;
}

/** The request context KMS builds for a caller (and the extra keys of the request itself). */
export function kmsContext(caller: KmsCaller, extra: RequestContext = {}): RequestContext {
  return {
    'aws:PrincipalAccount': caller.account,
    'aws:PrincipalArn': caller.principalArn,
    'kms:CallerAccount': caller.account,
    ...(caller.organizationId ? { 'aws:PrincipalOrgID': caller.organizationId } : {}),
    ...(caller.organizationPaths ? { 'aws:PrincipalOrgPaths': [...caller.organizationPaths] } : {}),
    ...extra,
  };
}
