/**
 * What `goldsmith preflight --stage` holds a chat sink's secret's resource policy to (pure): the deployment attaches
 * one (stacks/notifications/sink-secret-policy.ts) that denies reading the secret, and changing its value or policy,
 * to every principal outside Goldsmith. Each call an outsider would make is evaluated against the policy's Deny
 * statements for every principal (`"Principal": "*"` or `{"AWS": "*"}`), as the SCP check evaluates the SCPs
 * (scp-evaluate.ts): a policy missing, or one whose deny an outsider's call slips past, leaves that call open.
 */
import { denyingStatement, type ScpStatement, scpStatements } from './scp-evaluate.js';

/** The calls an outsider must be refused on a sink's secret: reading the key, putting one of their own, the policy. */
export const SINK_SECRET_OUTSIDER_CALLS = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
] as const;

const forEveryone = (s: ScpStatement) => {
  const p = (s as { Principal?: unknown }).Principal;
  return p === '*' || (typeof p === 'object' && p !== null && (p as { AWS?: unknown }).AWS === '*');
};

/**
 * The calls `policy` (the secret's resource policy as GetResourcePolicy answers it; undefined: none) leaves open to a
 * principal of `account` outside Goldsmith, on secret `secretArn`.
 */
export function sinkSecretPolicyGaps(policy: string | undefined, secretArn: string, account: string): string[] {
  const statements = policy === undefined ? [] : scpStatements(policy).filter(forEveryone);
  const outsider = `arn:aws:iam::${account}:role/someone-outside-goldsmith`;
  return SINK_SECRET_OUTSIDER_CALLS.filter(
    (action) =>
      denyingStatement(statements, {
        action,
        resource: secretArn,
        context: { 'aws:PrincipalArn': outsider, 'aws:PrincipalAccount': account },
      }) === undefined,
  );
}
