import * as z from 'zod';
import { AWS_LIMITS } from '../limits/input-bounds.js';

/**
 * Who may tell Goldsmith what (the catalog's `access`): CI principals that announce package releases, the
 * principals allowed to assume Goldsmith's operators' role, and the IAM principals of each approver name (as Slack
 * users are mapped to approver names).
 */

/**
 * An IAM role or user ARN (a role stands for any of its sessions), or one STS assumed-role session ARN. These go
 * into IAM policies (trust, bus and function policies), so `*` is refused outright (it would stand for every
 * principal), and names and paths are held to IAM's limits: a name of at most 64 characters, a path of at most 512
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), a session name of at most 64
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 */
export const principalArnSchema = z
  .string()
  .refine((arn) => !arn.includes('*'), {
    message: 'must not contain "*": a wildcard would grant every principal it matches',
    abort: true,
  })
  .regex(
    /^arn:aws[a-z-]*:(iam::\d{12}:(role|user)\/[\w+=,.@/-]+|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/,
    'must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>) or an assumed-role session ARN',
  )
  .superRefine((arn, ctx) => {
    const resource = arn.split(':').slice(5).join(':');
    const parts = resource.split('/');
    // A part the pattern found missing (reported above) has no length to check.
    const tooLong = (what: string, length: number, max: number) => {
      if (length > max) ctx.addIssue({ code: 'custom', message: `${what} must be at most ${max} characters` });
    };
    if (resource.startsWith('assumed-role/')) {
      tooLong('the role name', parts[1]?.length ?? 0, AWS_LIMITS.iamNameChars);
      tooLong('the session name', parts[2]?.length ?? 0, AWS_LIMITS.iamNameChars);
      return;
    }
    tooLong('the name', parts.at(-1)?.length ?? 0, AWS_LIMITS.iamNameChars);
    tooLong('the path', `/${parts.slice(1, -1).join('/')}/`.length, AWS_LIMITS.iamPathChars);
  });

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
