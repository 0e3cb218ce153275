/**
 * Who the service control policy names: what it is written for, the roles it exempts by default and the functions
 * it exempts by name (pure). Part of the policy core/scp/statements.ts writes.
 */
import type { FunctionRole } from './names.js';

/** What the policy is written for. */
export interface ScpOptions {
  stage: string;
  /** The factory account (`*` when the policy is written for any). */
  account: string;
  /** The role your deploy pipeline calls CloudFormation with. */
  deployer: string;
  /** The role you rotate the approval signing keys with. */
  keyRotator: string;
  /** The principal ARNs the catalog's approvers sign as (approverPrincipalArns): the front door's callers. */
  approvers?: readonly string[];
  /** The catalog's container repositories named outside `goldsmith/` (`images.<image>.repository`). */
  repositories?: readonly string[];
  /**
   * The names of the chat sinks' Secrets Manager secrets the catalog configures (the Teams URL, each webhook's key,
   * Slack's token: core/notifications/sinks.ts `secret.names`); none: no sink statements.
   */
  sinkSecrets?: readonly string[];
}

export const DEFAULT_DEPLOYER = 'goldsmith-deployer';
/**
 * The sinks' secrets the documented policy (docs/security/scp-policy.md) and the local cloud's prepared organization
 * name: Teams and one webhook, as docs/notifications-sinks.md creates them.
 */
export const DOCUMENTED_SINK_SECRETS: readonly string[] = ['goldsmith/teams', 'goldsmith/webhooks/change-board'];
export const DEFAULT_KEY_ROTATOR = 'goldsmith-key-rotator';

/** The functions that answer a state machine's task token (docs/reference/iam.md: states:SendTask*). */
export const TASK_TOKEN_SENDERS: readonly FunctionRole[] = [
  { stack: 'Promotion', construct: 'ApprovalCallback' },
  { stack: 'Promotion', construct: 'OnFinding' },
  { stack: 'Promotion', construct: 'OnLifecycleRequest' },
  { stack: 'Promotion', construct: 'Reconcile' },
  { stack: 'Trust', construct: 'Operator' },
  // The operator endpoint's revoke door ends a revoked version's waiting promotions (functions/lifecycle/revoke-waits.ts).
  { stack: 'Trust', construct: 'RevokeEndpoint' },
];

/** The functions exempted by name from a statement that exempts no other function. */
export const DOORS_AUDITOR: FunctionRole = { stack: 'Notifications', construct: 'AuditDoors' };
export const POLICIES_AUDITOR: FunctionRole = { stack: 'Monitoring', construct: 'AuditPolicies' };
/** Stops a function changed outside a deploy (lambda:PutFunctionConcurrency 0: docs/security/audit.md). */
export const FUNCTIONS_AUDITOR: FunctionRole = { stack: 'Monitoring', construct: 'AuditFunctions' };
/** Puts the Regions' forwarding rules back where changed outside Goldsmith (functions/audit/rules.ts). */
export const HOLDINGS_AUDITOR: FunctionRole = { stack: 'Promotion', construct: 'AuditHoldings' };
/** `goldsmith rotate-signing-key` puts the signing keys' new values as the operator endpoint's role. */
export const OPERATOR: FunctionRole = { stack: 'Trust', construct: 'Operator' };
/** `goldsmith revoke --at` / `cancel-revocation` create and delete revocation schedules as the revoke door's role. */
export const OPERATOR_REVOKE: FunctionRole = { stack: 'Trust', construct: 'RevokeEndpoint' };
