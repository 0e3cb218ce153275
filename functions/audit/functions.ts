import { markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import {
  readExpectedFunction,
  readExpectedFunctions,
  readFunction,
  rollbackEndedAt,
  stopFunction,
} from '../../aws/audit/functions.js';
import {
  changedAfterDeploy,
  type ExpectedFunction,
  functionDrift,
  functionDriftSk,
  functionsPath,
} from '../../core/audit/functions.js';
import { logger } from '../lib/powertools.js';
import { announceCritical, recordUnrepaired } from './policies.js';
import { type AuditPart, emptyPart, failed, messageOf } from './report.js';

/** How a person puts a stopped function back (one line, in the announcement and the ledger). */
const putBack = (name: string, code: string | undefined) =>
  `a person must put it back (deploy, or \`aws lambda update-function-code --function-name ${name}${code ? ` --s3-bucket ${code.split('/')[0]} --s3-key ${code.split('/').slice(1).join('/')}` : ''}\`), then \`aws lambda delete-function-concurrency --function-name ${name}\``;

/**
 * The functions an event names, when it names one the deployment wrote (its parameter, or its name or ARN in a Lambda
 * call): a deploy rewrites one parameter per changed function, and each change's event reads that one back, not all.
 * An event that names none of them (or no event) reads them all.
 */
function narrowed(
  expected: readonly ExpectedFunction[],
  only: { parameter?: string | undefined; functionName?: string | undefined } | undefined,
): readonly ExpectedFunction[] {
  const name = only?.functionName?.split(':function:').pop()?.split(':')[0];
  const named = expected.filter((f) => f.parameter === only?.parameter || (name !== undefined && f.name === name));
  return named.length > 0 ? named : expected;
}

/**
 * The expected functions a run compares, read once: for a deploy's rewrite of one function's parameter (a Parameter
 * Store Change under this stage's path), that parameter alone (GetParameter); otherwise, or when it is gone, every
 * one (GetParametersByPath, a page per ten). The roles' audit of the same run stops functions by the same read.
 */
export function expectedFunctions(stage: string, parameter?: string): () => Promise<readonly ExpectedFunction[]> {
  let read: Promise<readonly ExpectedFunction[]> | undefined;
  const all = () => readExpectedFunctions(functionsPath(stage));
  const one = async (name: string) => {
    const found = await readExpectedFunction(name);
    return found ? [found] : all();
  };
  return () => {
    read ??= parameter?.startsWith(functionsPath(stage)) ? one(parameter) : all();
    return read;
  };
}

/**
 * The records of the functions read back every day, whatever `monitoring.functionSweepEvery` says: the event
 * history's reader (functions/audit-history.ts: without a trail, the only daily detector of a function's change, so a
 * change of its own would hide every other until the next sweep) and the functions' auditor itself. `parameters`
 * names their records (`AUDIT_DAILY_FUNCTIONS`, set by stacks/Monitoring.ts); a name with no record reads nothing.
 */
export function dailyFunctions(
  records: () => Promise<readonly ExpectedFunction[]>,
  parameters: ReadonlySet<string>,
): () => Promise<readonly ExpectedFunction[]> {
  return async () => (await records()).filter((f) => parameters.has(f.parameter));
}

/**
 * The audit of Goldsmith's functions: each function the deployment wrote under `/goldsmith/_functions/<stage>/` read
 * back (GetFunction, one per function: scoped to Goldsmith's functions, where the account's listing, ListFunctions,
 * takes no resource and would read every function's environment) and compared with the deployment's properties and
 * with when the deployment last wrote them (core/audit/functions.ts). A function that differs is recorded
 * (`DRIFT#function#…`), stopped (reserved concurrency 0: whatever runs in it now is not the deployment's, and may run
 * as its role) and announced critical, naming what differs. Not put back: the code the deployment uploaded is not
 * this role's to read, and a configuration put back over changed code would run that code again. The auditor never
 * stops itself (`self`): a run whose own function was changed is not the deployment's code, and stopping it would
 * only end the audit. One function's failure stops no other. `records` reads the expected functions (the caller may
 * share one read with the roles' audit).
 */
export async function auditFunctions(
  now: Date,
  stage: string,
  self?: string,
  only?: { parameter?: string | undefined; functionName?: string | undefined },
  records: () => Promise<readonly ExpectedFunction[]> = expectedFunctions(stage),
): Promise<AuditPart> {
  const part = emptyPart();
  const at = now.toISOString();
  part.reads++;
  const expected = narrowed(await records(), only);
  for (const wanted of expected) {
    part.checked++;
    try {
      part.reads++;
      const held = await readFunction(wanted.name);
      // Changed after its parameter: a failed deploy's rollback does that too; its stack's events tell (one read).
      let rolledBackAt: Date | undefined;
      if (changedAfterDeploy(held, wanted) && wanted.stack) {
        part.reads++;
        rolledBackAt = await rollbackEndedAt(wanted.stack);
      }
      const drift = functionDrift(held, wanted, rolledBackAt);
      if (drift.length === 0) continue;
      const sk = functionDriftSk(wanted.name, drift, held, now);
      const finding = {
        image: '',
        resource: 'function' as const,
        name: wanted.name,
        found: drift.join('; '),
        expected: `the deployment's function (${wanted.parameter})`,
      };
      logger.error('a function differs from what the deployment made; stopping it', finding);
      const stopped = held.reserved === 0;
      const mine = wanted.name === self;
      const action = mine
        ? 'nothing it could: this is the auditor itself; a person must look'
        : `${stopped ? 'kept stopped' : 'stopped'} (reserved concurrency 0); ${putBack(wanted.name, wanted.code)}`;
      await recordDrift({ ...finding, sk, action, foundAt: at });
      if (!mine && !stopped) {
        await stopFunction(wanted.name);
        part.reads++;
        const after = await readFunction(wanted.name);
        if (after.reserved === 0) await markDriftRepaired('', sk, at, 'stopped: reserved concurrency 0');
      }
      const full = { ...finding, action, repaired: false };
      part.findings.push(full);
      await announceCritical(full, sk, at);
    } catch (error) {
      failed(part, `function ${wanted.name}: ${messageOf(error)}`, error);
    }
  }
  return part;
}

/**
 * A function's expected properties deleted from Parameter Store (its Parameter Store Change): the function is out of
 * the audit until a deploy writes them again, so the gap is drift, recorded (keyed by the event, so a retried event
 * records and announces once) and announced critical. Nothing is put back: only the deployment knows the properties.
 * A rewrite is not announced here: every deploy that changes a function rewrites them; the audit that follows compares.
 */
export async function expectedFunctionDeleted(
  name: string,
  eventId: string | undefined,
  now: Date,
): Promise<AuditPart> {
  const part = emptyPart();
  const at = now.toISOString();
  const sk = `DRIFT#function#parameter#${name}#Delete#${eventId ?? at}`;
  const finding = {
    image: '',
    resource: 'function' as const,
    name,
    found: `the expected-function parameter ${name} was deleted: this function is not audited`,
    expected: 'changed only by a deploy (a deploy that changes the function writes it again)',
    action: 'nothing it could: a person must compare it with the deploys',
  };
  part.checked++;
  await recordUnrepaired(part, finding, sk, at);
  return part;
}
