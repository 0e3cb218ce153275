import type { MovingScope, RolloutRecord, ScopeFailure } from './record.js';

/**
 * An account that moves between two OUs the member baseline's StackSet targets has no stack instance for a while:
 * StackSets "runs a delete operation to remove the … stack from AccountA and queues a create operation"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html), one
 * instance per account and Region. Meanwhile its rollout role is gone and every call as it is refused. The engine
 * takes such an account as moving, not as refusing: the wave waits for it, at each check, until MOVING_MINUTES after
 * it was first found moving; then its refusal is recorded as any other.
 */
export const MOVING_MINUTES = 60;

/** The refusals of credentials a deleted role leaves (STS and Auto Scaling AccessDenied, EC2 UnauthorizedOperation). */
export function isRoleRefusal(code: string): boolean {
  return code === 'AccessDenied' || code === 'AccessDeniedException' || code === 'UnauthorizedOperation';
}

/**
 * Whether the StackSet lists the account between two instances: at least one listed, and each in flight, being deleted
 * (CURRENT, its operation RUNNING) or created (OUTDATED, its operation PENDING or RUNNING)
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html). An
 * instance that ended (SUCCEEDED, FAILED, CANCELLED, INOPERABLE) holds a role, or failed to: no move in progress.
 */
export function betweenInstances(listed: readonly { status: string; detailed?: string | undefined }[]): boolean {
  return (
    listed.length > 0 &&
    listed.every(
      (i) =>
        (i.status === 'CURRENT' && i.detailed === 'RUNNING') ||
        (i.status === 'OUTDATED' && (i.detailed === 'PENDING' || i.detailed === 'RUNNING')),
    )
  );
}

const keyOf = (s: { account: string; region: string }) => `${s.account}/${s.region}`;

/**
 * Wave `index` with this check's reads: the refusals of accounts found moving (`moving`, by account) kept as moving
 * (since when first found) instead of failures, until MOVING_MINUTES after; then recorded as the refusal, with how
 * long it waited. An account no longer refused is no longer moving.
 * @returns the record, and the refusals to record as failures.
 */
export function withMoving(
  record: RolloutRecord,
  index: number,
  refused: readonly ScopeFailure[],
  moving: ReadonlySet<string>,
  now: string,
): { record: RolloutRecord; failures: ScopeFailure[] } {
  const wave = record.waves[index];
  if (!wave) return { record, failures: [...refused] };
  const before = new Map((wave.moving ?? []).map((m) => [keyOf(m), m]));
  const still = new Map<string, MovingScope>();
  const failures: ScopeFailure[] = [];
  for (const f of refused) {
    if (!moving.has(f.account) || !isRoleRefusal(f.code)) {
      failures.push(f);
      continue;
    }
    const since = before.get(keyOf(f))?.since ?? now;
    if (Date.parse(now) - Date.parse(since) < MOVING_MINUTES * 60_000) {
      if (!still.has(keyOf(f)))
        still.set(keyOf(f), { account: f.account, region: f.region, since, code: f.code, message: f.message });
      continue;
    }
    failures.push({ ...f, message: `still between member baseline stack instances since ${since}: ${f.message}` });
  }
  const { moving: _was, ...rest } = wave;
  const next = still.size > 0 ? { ...rest, moving: [...still.values()] } : rest;
  const waves = record.waves.map((w, i) => (i === index ? next : w));
  return { record: { ...record, waves }, failures };
}
