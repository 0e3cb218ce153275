import { readExpectedFunctions, readFunction, stackChanging, stopFunction } from '../../aws/audit/functions.js';
import { readExpectedRoles, readRole, readRoles } from '../../aws/audit/roles.js';
import { type ExpectedFunction, functionsPath } from '../../core/audit/functions.js';
import {
  type ExpectedRole,
  type HeldRole,
  roleDrift,
  roleDriftSk,
  roleRepairs,
  rolesPath,
} from '../../core/audit/roles.js';
import { logger } from '../lib/powertools.js';
import { recordUnrepaired } from './policies.js';
import { type AuditPart, emptyPart, failed, messageOf } from './report.js';

/**
 * How a person puts a changed role back (one line, in the announcement and the ledger): the IAM commands that undo
 * each difference (core/audit/roles.ts), then lifting each stopped function's stop.
 */
const putBack = (repairs: readonly string[], stopped: readonly string[]) =>
  `a person must put the role back: ${repairs.map((r) => `\`${r}\``).join('; ')}${stopped.length > 0 ? `; then \`aws lambda delete-function-concurrency --function-name <name>\` for ${stopped.join(', ')}` : ''}`;

/** The role an IAM call names (its `roleName`), when it is one the deployment recorded; otherwise every role. */
function narrowed(roles: readonly ExpectedRole[], roleName: string | undefined): readonly ExpectedRole[] {
  const named = roles.filter((r) => r.name === roleName);
  return named.length > 0 ? named : roles;
}

/**
 * How each role is read: one role an IAM call named by its own reads (GetRole, ListRolePolicies, GetRolePolicy,
 * ListAttachedRolePolicies); every role at once by the account's role details (GetAccountAuthorizationDetails, a page
 * per up to 1,000 roles), counted on `part`. A role missing from the details (deleted, or not yet visible) is read by
 * its own reads, which say what is wrong with it; details that cannot be read are a failure of the part, and every
 * role is then read by its own reads.
 */
async function roleReader(
  wanted: readonly ExpectedRole[],
  all: number,
  part: AuditPart,
): Promise<(name: string) => Promise<{ role: HeldRole; calls: number }>> {
  if (wanted.length === 1 && all > 1) return readRole;
  part.reads++;
  const held = await readRoles(new Set(wanted.map((r) => r.name))).catch((error: unknown) => {
    failed(part, `the account's role details (each role read on its own instead): ${messageOf(error)}`, error);
    return undefined;
  });
  if (!held) return readRole;
  part.reads += held.pages - 1;
  return async (name) => {
    const role = held.roles.get(name);
    return role ? { role, calls: 0 } : readRole(name);
  };
}

/**
 * Stops every function the deployment gave `role` (reserved concurrency 0), the auditor's own excepted, and returns
 * their names; one already stopped is left as it is. One function's failure stops no other.
 */
async function stopFunctionsOf(
  role: ExpectedRole,
  functions: readonly ExpectedFunction[],
  part: AuditPart,
  self: string | undefined,
): Promise<string[]> {
  const stopped: string[] = [];
  for (const fn of functions.filter((f) => f.role === role.arn && f.name !== self)) {
    try {
      part.reads++;
      if ((await readFunction(fn.name)).reserved !== 0) await stopFunction(fn.name);
      stopped.push(fn.name);
    } catch (error) {
      failed(part, `function ${fn.name} of role ${role.name}: ${messageOf(error)}`, error);
    }
  }
  return stopped;
}

/**
 * The audit of Goldsmith's IAM roles: each role the deployment recorded under `/goldsmith/_roles/<stage>/` read back
 * from IAM (GetAccountAuthorizationDetails; one role an IAM call named, by GetRole, ListRolePolicies, GetRolePolicy,
 * ListAttachedRolePolicies) and compared with the record
 * (core/audit/roles.ts). A role that differs lets whoever changed it act as Goldsmith: the change is recorded
 * (`DRIFT#role#…`), every Goldsmith function that runs as the role (by the functions' records, read once a run) is
 * stopped (reserved concurrency 0; the auditor never stops itself) and the change is announced critical, naming the
 * role and what differs. Not put back: this role
 * may not write IAM (a function that can rewrite roles is the door it guards), and a deploy does not undo a change
 * made outside CloudFormation: a person runs the IAM commands the announcement gives. One role's failure stops no
 * other.
 */
export async function auditRoles(
  now: Date,
  stage: string,
  self?: string,
  roleName?: string,
  /** The functions' records, when the same run has read them already (the daily run, after the functions' audit). */
  functionRecords?: readonly ExpectedFunction[],
): Promise<AuditPart> {
  const part = emptyPart();
  const at = now.toISOString();
  const expected = await readExpectedRoles(rolesPath(stage));
  part.reads += expected.pages;
  let functions = functionRecords;
  const stackStatus = new Map<string, string | undefined>();
  const roles = narrowed(expected.roles, roleName);
  const read = await roleReader(roles, expected.roles.length, part);
  for (const wanted of roles) {
    part.checked++;
    try {
      const { role: held, calls } = await read(wanted.name);
      part.reads += calls;
      const drift = roleDrift(held, wanted);
      if (drift.length === 0) continue;
      const found = drift.join('; ');
      // A deploy changing the role's stack writes the role, then its record: not drift until the stack settles. The
      // record's change or the next daily run reads it again (docs/security/audit.md).
      if (wanted.stack) {
        // One read per stack and run: a deploy changes several roles of one stack at once.
        if (!stackStatus.has(wanted.stack)) {
          part.reads++;
          stackStatus.set(wanted.stack, await stackChanging(wanted.stack));
        }
        const changing = stackStatus.get(wanted.stack);
        if (changing) {
          logger.warn('a Goldsmith role differs while its stack is being changed; read again later', {
            role: wanted.name,
            stack: wanted.stack,
            status: changing,
            found,
          });
          continue;
        }
      }
      logger.error('a Goldsmith role differs from what the deployment made; stopping its functions', {
        role: wanted.name,
        found,
      });
      if (!functions) {
        part.reads++;
        functions = await readExpectedFunctions(functionsPath(stage));
      }
      const stopped = await stopFunctionsOf(wanted, functions, part, self);
      const action = `${stopped.length > 0 ? `stopped ${stopped.join(', ')} (reserved concurrency 0)` : 'no Goldsmith function runs as it'}; ${putBack(roleRepairs(held, wanted, rolesPath(stage)), stopped)}`;
      // Not marked repaired: the role stays as it was changed until a person puts it back.
      const finding = { image: '', resource: 'role' as const, name: wanted.name, found, action };
      const deployed = `the deployment's role (${wanted.parameter})`;
      await recordUnrepaired(part, { ...finding, expected: deployed }, roleDriftSk(wanted.name, drift, now), at);
    } catch (error) {
      failed(part, `role ${wanted.name}: ${messageOf(error)}`, error);
    }
  }
  return part;
}
