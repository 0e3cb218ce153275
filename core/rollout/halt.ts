import { EMPTY_CANARY, NO_INSTANCE_CANARY, noInstanceCanaryText, unmovedCanaryText } from './canary.js';
import { isActiveRefresh, type RolloutStep } from './plan.js';
import type { RolloutRecord, ScopeFailure, WaveAlarm } from './record.js';
import { refusalCount, withRefusals } from './refusals.js';

/**
 * Why a wave halted, in words an operator acts on: the alarm that failed its refresh (name, account, Region), else
 * the refresh's own reason as Auto Scaling gave it (`StatusReason`, or the rollback's `RollbackReason`:
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RollbackDetails.html), else the account that refused
 * the engine, with AWS's error code and message. Never only the status the failure left (`RollbackInProgress`).
 */
export function haltReason(
  record: Pick<RolloutRecord, 'image' | 'channel' | 'version' | 'waves'>,
  step: Extract<RolloutStep, { kind: 'halt' }>,
  alarm?: Omit<WaveAlarm, 'at'>,
): string {
  const name = record.waves[step.wave]?.name ?? String(step.wave);
  if (step.reason === NO_INSTANCE_CANARY)
    return noInstanceCanaryText(record.waves[step.wave]?.groups ?? [], record.version);
  if (step.reason && step.reason !== EMPTY_CANARY)
    return unmovedCanaryText(record.waves[step.wave]?.groups ?? [], record.version);
  if (step.reason)
    return `${step.reason}: no rollout-ready group in wave ${name} follows ${record.image}/${record.channel}`;
  const [first, ...others] = step.failed;
  if (first) {
    const where = `${first.group} in ${first.account} ${first.region}`;
    const more = moreGroups(others);
    if (alarm) {
      return `wave ${name} failed: alarm ${alarm.name} in ALARM in ${alarm.account} ${alarm.region} (${where}: ${first.status})${more}`;
    }
    const cause = first.statusReason ? `${first.statusReason} (${first.status})` : first.status;
    return `wave ${name} failed: ${where}: ${cause}${more}`;
  }
  const refused = step.refused[0];
  const wave = record.waves[step.wave];
  const refusals = wave ? refusalCount(wave) : step.refused.length;
  if (refused) {
    const more =
      refusals > 1 ? ` (and ${refusals - 1} more refusal${refusals === 2 ? '' : 's'}: rollout status lists them)` : '';
    return `wave ${name} failed: ${refusalText(refused)}${more}`;
  }
  return `wave ${name} failed: a refresh failed`;
}

/** Statuses a halting group passes through: a halt reason naming one is out of date once the group has left it. */
const UNDER_WAY = /(\(|: )(RollbackInProgress|Cancelling|Pending|InProgress|Baking)\)/;

/**
 * The halt reason with the status of the group that halted the wave as it is now, once that group's refresh has
 * ended (`… (RollbackInProgress)` becomes `… (RollbackSuccessful)`); undefined when the reason is still true (or names
 * no such status).
 */
export function settledHaltReason(record: Pick<RolloutRecord, 'reason' | 'waves' | 'currentWave'>): string | undefined {
  const wave = record.waves[record.currentWave];
  const first = wave?.haltedBy?.[0];
  const reason = record.reason;
  if (!reason || !first) return undefined;
  const g = wave?.groups.find(
    (x) => x.account === first.account && x.region === first.region && x.group === first.group,
  );
  const at = g ? reason.indexOf(`${g.group} in ${g.account} ${g.region}`) : -1;
  if (!g || at < 0) return undefined;
  const tail = reason.slice(at);
  const named = UNDER_WAY.exec(tail);
  if (!named || UNDER_WAY.test(`(${g.status})`)) return undefined;
  return `${reason.slice(0, at)}${tail.replace(named[0], `${named[1]}${g.status})`)}`;
}

/** A halted record's end brought up to date once the group that halted it has ended; undefined: nothing to change. */
export function settledEnd(r: RolloutRecord): { state: 'halted'; reason: string } | undefined {
  const reason = r.state === 'halted' ? settledHaltReason(r) : undefined;
  return reason === undefined ? undefined : { state: 'halted', reason };
}

/** The other groups whose refresh failed too: `(and 2 more groups failed: web-2 in …, web-3 in …)`, the first three. */
function moreGroups(others: readonly { group: string; account: string; region: string }[]): string {
  if (others.length === 0) return '';
  const named = others.slice(0, 3).map((g) => `${g.group} in ${g.account} ${g.region}`);
  const rest = others.length > 3 ? `, and ${others.length - 3} more: rollout status lists them` : '';
  const n = others.length;
  return ` (and ${n} more group${n === 1 ? '' : 's'} failed: ${named.join(', ')}${rest})`;
}

/** The halt's cause kept on its wave: the groups whose own refresh failed (the first 10), told apart from those it rolled back. */
export function withHaltCause(record: RolloutRecord, step: Extract<RolloutStep, { kind: 'halt' }>): RolloutRecord {
  if (step.failed.length === 0) return record;
  const haltedBy = step.failed.slice(0, 10).map(({ account, region, group }) => ({ account, region, group }));
  return { ...record, waves: record.waves.map((w, i) => (i === step.wave ? { ...w, haltedBy } : w)) };
}

/** `account 200000000002 us-east-1 refused: AccessDenied: …` (or `group web-2 in …`). */
export function refusalText(f: ScopeFailure): string {
  const who =
    f.group === undefined ? `account ${f.account} ${f.region}` : `group ${f.group} in ${f.account} ${f.region}`;
  return `${who} refused: ${f.code}: ${f.message}`;
}

/**
 * The wave `index` with these refusals added (one per account, Region, group and step: a retry adds none), kept and
 * counted as core/rollout/refusals.ts says.
 */
export function withFailures(record: RolloutRecord, index: number, failures: readonly ScopeFailure[]): RolloutRecord {
  if (failures.length === 0) return record;
  const key = (f: ScopeFailure) => `${f.account}/${f.region}/${f.group ?? ''}/${f.step}`;
  const waves = record.waves.map((w, i) => {
    if (i !== index) return w;
    const known = new Set((w.failures ?? []).map(key));
    return withRefusals(
      w,
      failures.filter((f) => !known.has(key(f))),
    );
  });
  return { ...record, waves };
}

/**
 * The record with each group of the halted wave whose refresh back to its previous version ended other than
 * Successful (as Auto Scaling reported it, with its reason) named among the skipped groups, so it is told once.
 */
export function withFailedMoves(record: RolloutRecord): RolloutRecord {
  const named = new Set(record.skippedGroups.map((s) => `${s.account}/${s.region}/${s.group}`));
  const failed = (record.waves[record.currentWave]?.groups ?? []).flatMap((g) => {
    const back = g.back;
    if (!back || back.refreshId === '' || isActiveRefresh(back.status) || back.status === 'Successful') return [];
    if (named.has(`${g.account}/${g.region}/${g.group}`)) return [];
    const why = back.statusReason ? `: ${back.statusReason}` : '';
    const reason = `refresh back to v${back.version} (${back.refreshId}) ${back.status}${why}`;
    return [{ account: g.account, region: g.region, group: g.group, reason }];
  });
  return failed.length === 0 ? record : { ...record, skippedGroups: [...record.skippedGroups, ...failed] };
}
