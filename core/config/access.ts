import * as z from 'zod';

/**
 * Who may tell Goldsmith what (the catalog's `access`): CI principals that announce package releases, the
 * principals allowed to assume Goldsmith's operators' role, and the IAM principals of each approver name (as Slack
 * users are mapped to approver names).
 */

/** An IAM role or user ARN (a role stands for any of its sessions), or one STS assumed-role session ARN. */
export const principalArnSchema = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:(iam::\d{12}:(role|user)\/[\w+=,.@/-]+|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/,
    'must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>) or an assumed-role session ARN',
  );

/** A CI principal: an IAM principal ARN, or a 12-digit account id meaning any principal of that account. */
export const ciPrincipalSchema = z.union([z.string().regex(/^\d{12}$/), principalArnSchema], {
  error: 'must be a 12-digit account id or an IAM role/user ARN',
});

export const accessSchema = z.strictObject({
  /** May put "Package Update" (source `goldsmith.ci`) on Goldsmith's bus, and nothing else. In the organization. */
  ci: z.array(ciPrincipalSchema).default([]),
  /** May assume the operators' role: build, promote, rollback, revoke through the operator endpoint. */
  operators: z.array(principalArnSchema).default([]),
  /** Approver name (as in `channels[].approval.approvers`) → the IAM principals that person signs requests as. */
  approvers: z
    .record(z.string().min(1), z.array(principalArnSchema).min(1, 'must name at least one principal'))
    .default({}),
});

export const DEFAULT_ACCESS = { ci: [], operators: [], approvers: {} };

export type AccessSpec = z.output<typeof accessSchema>;
