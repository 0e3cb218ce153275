import type { DriftResource } from '../../aws/audit/audit-ledger.js';
import { recordUnrepaired } from './policies.js';
import { type AuditPart, emptyPart } from './report.js';

/** A door's kind in its expected policy's name, `/goldsmith/_policies/<stage>/<kind>/<id>` (core/audit/policies.ts). */
const KIND = /^\/goldsmith\/_policies\/[^/]+\/(topic|queue|bus)\//;

const RESOURCE: Record<string, DriftResource> = { topic: 'topic-policy', queue: 'queue-policy', bus: 'bus-policy' };

/**
 * A Parameter Store Change of a door's expected policy: whoever can rewrite it can widen the door and its expected
 * policy together, and the policies' audit would find the two alike; whoever deletes it takes the door out of that
 * audit. Only a deploy changes these parameters, and the event does not say who did, so every change is drift:
 * recorded (keyed by the event's id, so a retried event records and announces once), announced critical, for a
 * person to compare with the deploys. Nothing is read or put back: only the deployment knows the policy.
 */
export async function expectedPolicyChanged(
  name: string,
  operation: string,
  eventId: string | undefined,
  now: Date,
): Promise<AuditPart> {
  const part = emptyPart();
  const at = now.toISOString();
  const kind = KIND.exec(name)?.[1] ?? 'topic';
  const sk = `DRIFT#policy#parameter#${name}#${operation}#${eventId ?? at}`;
  const finding = {
    image: '',
    resource: RESOURCE[kind] ?? 'topic-policy',
    name,
    found: `the expected-policy parameter ${name} changed (${operation})`,
    expected: "changed only by a deploy that changes the door's policy",
    action: 'nothing it could: a person must compare it with the deploys',
  };
  part.checked++;
  await recordUnrepaired(part, finding, sk, at);
  return part;
}
