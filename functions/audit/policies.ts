import { markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import { putResourcePolicy, readExpectedPolicies, readResourcePolicy } from '../../aws/audit/resource-policies.js';
import { announce } from '../../aws/notifications/notifications.js';
import {
  type DoorEntry,
  describePolicyDrift,
  hasPolicyDrift,
  missingDoors,
  type PolicyKind,
  policyDrift,
  policyDriftSk,
  resourcePoliciesPath,
} from '../../core/audit/policies.js';
import { announcement } from '../../core/notifications/announce.js';
import { logger } from '../lib/powertools.js';
import { type AuditFinding, type AuditPart, emptyPart, failed, messageOf } from './report.js';

const RESOURCE: Record<PolicyKind, 'topic-policy' | 'queue-policy' | 'bus-policy'> = {
  topic: 'topic-policy',
  queue: 'queue-policy',
  bus: 'bus-policy',
};

/**
 * One `drift-found` announcement per drift record (keyed by its sort key, so a retried run announces nothing twice),
 * critical even once put back: what the wider door let in meanwhile (a subscription, a message) stays. A publish that
 * fails is queued by aws/notifications/notifications.ts and never fails the audit.
 */
export async function announceCritical(f: AuditFinding, sk: string, at: string): Promise<void> {
  try {
    const { resource, name, found, expected, action, repaired } = f;
    const detail = { resource, ...(name ? { name } : {}), found, expected, action, repaired };
    await announce(announcement('drift-found', {}, detail, { at, key: sk, severity: 'critical' }));
  } catch (error) {
    logger.error('announcing a drift failed', { sk, error });
  }
}

/**
 * A drift nothing here can put right (an expected parameter changed or gone): recorded once (by `sk`), added to the
 * run's findings and announced critical, for a person to act on.
 */
export async function recordUnrepaired(
  part: AuditPart,
  finding: Omit<AuditFinding, 'repaired'>,
  sk: string,
  at: string,
): Promise<void> {
  await recordDrift({ ...finding, sk, foundAt: at });
  const full = { ...finding, repaired: false };
  part.findings.push(full);
  await announceCritical(full, sk, at);
}

/**
 * A door of the deployment's inventory whose expected-policy parameter is gone: the door is out of the audit until the
 * parameter is back, so the gap itself is drift (recorded, announced critical, never repaired here: this role writes
 * no parameter, and only the deployment knows the policy).
 */
async function missingParameter(part: AuditPart, door: DoorEntry, stage: string, now: Date): Promise<void> {
  const at = now.toISOString();
  const parameter = `${resourcePoliciesPath(stage)}${door.entry}`;
  const sk = `DRIFT#policy#${door.kind}#${parameter}#${at.slice(0, 10)}#missing`;
  const finding = {
    image: '',
    resource: RESOURCE[door.kind],
    name: parameter,
    found: `the expected-policy parameter ${parameter} is gone: this door is not audited`,
    expected: "the parameter the deployment wrote (a deploy that changes the door's policy writes it again)",
  };
  logger.error("a door's expected policy is gone from Parameter Store", finding);
  await recordUnrepaired(part, { ...finding, action: 'nothing it could: a person must look' }, sk, at);
}

/**
 * The audit of the doors' resource policies: every topic's, queue's and event bus's policy the stacks wrote under
 * `/goldsmith/_policies/<stage>/` read back and compared statement by statement (core/audit/policies.ts). A statement
 * removed, changed or added outside the deployment is recorded (`DRIFT#policy#…` in the factory's partition), the
 * deployment's policy put back whole, read back, marked repaired once AWS holds it, and announced (critical: whoever
 * the widened policy let in could publish or subscribe until then). A door of the deployment's `inventory` whose
 * parameter is missing is drift too (`missingParameter`). One door's failure stops no other.
 */
export async function auditResourcePolicies(
  now: Date,
  stage: string,
  inventory: readonly DoorEntry[],
): Promise<AuditPart> {
  const part = emptyPart();
  const at = now.toISOString();
  part.reads++;
  const doors = await readExpectedPolicies(resourcePoliciesPath(stage));
  for (const door of missingDoors(
    inventory,
    doors.map((d) => d.parameter),
    stage,
  )) {
    part.checked++;
    try {
      await missingParameter(part, door, stage, now);
    } catch (error) {
      failed(part, `${door.kind} ${door.entry}: ${messageOf(error)}`, error);
    }
  }
  for (const door of doors) {
    part.checked++;
    try {
      part.reads++;
      const drift = policyDrift(await readResourcePolicy(door.kind, door.target), door.policy);
      if (!hasPolicyDrift(drift)) continue;
      const sk = policyDriftSk(door.kind, door.target, drift, now);
      const finding = {
        image: '',
        resource: RESOURCE[door.kind],
        name: door.target,
        found: describePolicyDrift(drift),
        expected: `the deployment's policy (${door.parameter})`,
      };
      logger.warn("a door's policy differs from what the deployment set; putting it back", finding);
      await recordDrift({ ...finding, sk, action: 'policy put back as the deployment set it', foundAt: at });
      await putResourcePolicy(door.kind, door.target, door.policy);
      const after = policyDrift(await readResourcePolicy(door.kind, door.target), door.policy);
      const repaired = !hasPolicyDrift(after);
      if (repaired) await markDriftRepaired('', sk, at, 'policy as the deployment set it');
      const action = repaired
        ? 'policy put back as the deployment set it, confirmed'
        : `policy put back; AWS still shows ${describePolicyDrift(after)}: a person must look`;
      const full = { ...finding, action, repaired };
      part.findings.push(full);
      await announceCritical(full, sk, at);
    } catch (error) {
      failed(part, `${door.kind} ${door.target}: ${messageOf(error)}`, error);
    }
  }
  return part;
}
