import type { DriftRecord } from '../../aws/audit/audit-ledger.js';
import { announce } from '../../aws/notifications/notifications.js';
import { isTransient } from '../../core/errors/classify.js';
import { announcement } from '../../core/notifications/announce.js';
import type { Severity } from '../../events/notification.js';
import { logger } from '../lib/powertools.js';

/** One thing the audit found AWS holding otherwise than the ledger says, and whether it is put right. */
export interface AuditFinding extends Omit<DriftRecord, 'sk' | 'foundAt'> {
  /** AWS confirmed the repair (false: confirmed on a later pass, or a person must act). */
  repaired: boolean;
}

/** What one part of the audit read, found and did. */
export interface AuditPart {
  /** Subjects compared (parameters, AMIs, scheduled revocations). */
  checked: number;
  /** AWS calls the comparison made (reads; repairs aside). */
  reads: number;
  findings: AuditFinding[];
  failures: string[];
  permanentFailures: number;
}

export const emptyPart = (): AuditPart => ({ checked: 0, reads: 0, findings: [], failures: [], permanentFailures: 0 });

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Counts a failure of one subject: logged, and the run fails (transient or permanent) once every subject is done. */
export function failed(part: AuditPart, message: string, error: unknown): void {
  logger.error('the audit could not check or repair something', { message, error });
  part.failures.push(message);
  if (!isTransient(error)) part.permanentFailures++;
}

/** Kinds whose drift, left unrepaired, silences Goldsmith: a revocation that will not fire, findings that never arrive. */
const CRITICAL_UNREPAIRED = new Set<AuditFinding['resource']>(['revocation-schedule', 'event-rule', 'subscription']);

/**
 * Tells people what the audit found and did: one `drift-found` announcement per drift record (its sort key is the
 * announcement's key, so a retried run announces nothing twice). An announcement that cannot be published is queued
 * by aws/notifications/notifications.ts and never fails the audit. `severity` overrides the default (critical for an
 * unrepaired kind that silences Goldsmith, else the event's).
 */
export async function announceFinding(f: AuditFinding, sk: string, at: string, severity?: Severity): Promise<void> {
  try {
    await announce(
      announcement(
        'drift-found',
        f.image ? { image: f.image, version: f.version, channel: f.channel } : {},
        {
          resource: f.resource,
          ...(f.region ? { region: f.region } : {}),
          ...(f.name ? { name: f.name } : {}),
          found: f.found,
          expected: f.expected,
          action: f.action,
          repaired: f.repaired,
        },
        {
          at,
          key: sk,
          ...(severity !== undefined
            ? { severity }
            : CRITICAL_UNREPAIRED.has(f.resource) && !f.repaired
              ? { severity: 'critical' }
              : {}),
        },
      ),
    );
  } catch (error) {
    logger.error('announcing a drift failed', { sk, error });
  }
}
