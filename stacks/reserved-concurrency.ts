/**
 * Every reservation of Lambda concurrency the stacks make, in one place, so the minimum account concurrency the
 * deploy needs is computed rather than written by hand (docs/deploy.md, docs/security/approvals.md).
 */
export const RESERVED_CONCURRENCY = {
  /** The approval callback: a public URL people click; anything more is abuse (stacks/promotion/functions.ts). */
  approvalCallback: 10,
  /** The operator endpoint: people type these requests (stacks/trust/operator.ts). */
  operator: 5,
  /** The operator endpoint's revoke door (revoke, cancel-revocation: stacks/trust/operator.ts). */
  operatorRevoke: 2,
  /** The operator endpoint's rollback door (rollback, restore: stacks/trust/operator.ts). */
  operatorRollback: 2,
  /** organization-sync runs one event at a time (stacks/promotion/organization.ts). */
  organizationSync: 1,
} as const;

/**
 * Lambda keeps 100 concurrent executions unreserved in every account and Region: a reservation that would leave
 * fewer fails ("decreases account's UnreservedConcurrentExecution below its minimum value",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
 */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

/** The account concurrency the home Region needs for Goldsmith's reservations (besides any other the account holds). */
export const MINIMUM_ACCOUNT_CONCURRENCY =
  LAMBDA_UNRESERVED_MINIMUM + Object.values(RESERVED_CONCURRENCY).reduce((sum, n) => sum + n, 0);
