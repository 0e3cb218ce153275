/** The AMI key's grants as the audit reads them (KMS ListGrants), shared by the count and the grantee sweep. */

/** The fields of a ListGrants entry the count reads (https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantListEntry.html). */
export interface ListedGrant {
  grantId: string;
  name?: string | undefined;
  granteePrincipal?: string | undefined;
  /** `arn:aws:iam::<account>:root` of the account that created the grant. */
  issuingAccount?: string | undefined;
  /** `CreationDate`, ISO 8601. */
  creationDate?: string | undefined;
  /** `Operations`, as listed. */
  operations?: readonly string[] | undefined;
  /** Whether the grant has `Constraints` (encryption context pairs): the baseline's grant has none. */
  constrained?: boolean | undefined;
}

/** A grant left by an account the key no longer serves, and why. */
export interface LeftoverGrant {
  grant: ListedGrant;
  account: string;
  reason: string;
}
