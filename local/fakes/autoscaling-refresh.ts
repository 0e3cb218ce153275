import type { AutoScalingGroups } from './autoscaling-groups.js';
import {
  batchSize,
  HOUR,
  LAUNCH_MS,
  MAX_DURATION_MS,
  RETRY_MS,
  refreshPercentage,
  replaceable,
} from './autoscaling-refresh-pace.js';
import { ACTIVE, type InstanceRefresh, type RefreshHooks, type RefreshStatus } from './autoscaling-refresh-types.js';

/**
 * Instance refreshes in virtual time, as https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html
 * describes them: Pending → InProgress, replacing instances in batches bounded by the minimum and maximum healthy
 * percentages, each batch counted once its instances are in service and warmed up; a wait at each checkpoint; Baking
 * for BakeTime; then Successful, when the group takes the desired configuration. An alarm in ALARM during the
 * refresh or its bake fails it; replacements that cannot launch for an hour fail it; a refresh older than 14 days
 * fails; with AutoRollback a failure becomes RollbackInProgress, replacing what the refresh launched with the
 * group's own (never changed) configuration, then RollbackSuccessful.
 */

export class RefreshEngine {
  constructor(
    private readonly groups: AutoScalingGroups,
    private readonly hooks: RefreshHooks,
  ) {}

  /** The AMI of the desired configuration, or of the group's own when there is none (or in a rollback). */
  private imageFor(r: InstanceRefresh, rollback: boolean): { imageId: string | undefined; version: number } {
    const g = r.group;
    const template = this.groups.templates.get(
      r.desired && !rollback ? r.desired.launchTemplateId : g.launchTemplate.id,
    );
    const v =
      template &&
      this.groups.templates.resolve(
        template,
        r.desired && !rollback ? String(r.desired.version) : g.launchTemplate.version,
      );
    const ref = typeof v?.data.ImageId === 'string' ? v.data.ImageId : undefined;
    return { imageId: ref && this.hooks.imageOf(g.account, g.region, ref), version: v?.number ?? 0 };
  }

  /** One step of `r` at virtual time `t` (its `nextAt`). */
  step(r: InstanceRefresh, t: number): void {
    if (!ACTIVE.has(r.status)) return;
    if (r.status === 'Cancelling' && r.phase !== 'warm' && r.phase !== 'rollback-warm') {
      this.end(r, t, 'Cancelled');
      return;
    }
    if ((r.status === 'InProgress' || r.status === 'Baking') && t - r.startTime >= MAX_DURATION_MS) {
      this.fail(r, t, 'The instance refresh exceeded its maximum duration of 14 days.');
      return;
    }
    switch (r.phase) {
      case 'pending':
        if (r.prefs.checkpoints?.length === 0) {
          r.nextAt = Number.POSITIVE_INFINITY;
          return;
        }
        r.status = 'InProgress';
        r.phase = 'replace';
        r.nextAt = t;
        return;
      case 'replace':
      case 'rollback': {
        this.launchBatch(r, t, r.phase === 'rollback');
        return;
      }
      case 'warm':
        r.replaced += r.inFlight;
        r.inFlight = 0;
        if (r.status === 'Cancelling') {
          this.end(r, t, 'Cancelled');
          return;
        }
        {
          this.afterBatch(r, t);
          return;
        }
      case 'rollback-warm':
        if (r.rollback) r.rollback.done += r.inFlight;
        r.inFlight = 0;
        if (r.status === 'Cancelling') {
          this.end(r, t, 'Cancelled');
          return;
        }
        r.phase = 'rollback';
        r.nextAt = t;
        return;
      case 'bake': {
        this.succeed(r, t);
        return;
      }
      default:
        return;
    }
  }

  private afterBatch(r: InstanceRefresh, t: number): void {
    if (r.pending.length === 0) {
      if (r.prefs.bakeSeconds > 0) {
        r.status = 'Baking';
        r.phase = 'bake';
        r.statusReason = 'Waiting the specified bake time after updating instances.';
        r.nextAt = t + r.prefs.bakeSeconds * 1000;
      } else this.succeed(r, t);
      return;
    }
    const cps = r.prefs.checkpoints ?? [];
    const pct = refreshPercentage(r);
    let reached: number | undefined;
    while (r.checkpointsDone < cps.length && (cps[r.checkpointsDone] ?? 101) <= pct) reached = cps[r.checkpointsDone++];
    r.phase = 'replace';
    if (reached !== undefined && reached < 100) {
      r.statusReason = `Waiting at checkpoint ${reached}% for ${r.prefs.checkpointDelaySeconds} seconds.`;
      r.nextAt = t + r.prefs.checkpointDelaySeconds * 1000;
    } else r.nextAt = t;
  }

  private launchBatch(r: InstanceRefresh, t: number, rollback: boolean): void {
    const g = r.group;
    const queue = rollback
      ? (r.rollback?.toReplace.slice(r.rollback.done) ?? [])
      : replaceable(r, t, (reason) => this.fail(r, t, reason));
    if (queue === undefined) return;
    if (queue.length === 0) {
      if (rollback) this.end(r, t, 'RollbackSuccessful');
      else this.afterBatch(r, t);
      return;
    }
    const { imageId, version } = this.imageFor(r, rollback);
    const refusal =
      imageId === undefined
        ? 'the launch template names no AMI that resolves'
        : (this.hooks.launchCheck(g.account, g.region, imageId) ??
          (rollback ? undefined : this.hooks.replacementFailure?.(g.account, g.region)));
    if (refusal !== undefined || imageId === undefined) {
      r.blockedSince ??= t;
      r.statusReason = `Waiting for instances to launch: ${refusal}`;
      if (t - r.blockedSince >= HOUR) {
        const reason = `New instances could not launch for an hour: ${refusal}`;
        if (rollback) this.end(r, t, 'RollbackFailed', reason);
        else this.fail(r, t, reason);
        return;
      }
      r.nextAt = t + RETRY_MS;
      return;
    }
    r.blockedSince = undefined;
    const size = rollback
      ? Math.min(queue.length, batchSize({ ...r, prefs: { ...r.prefs, checkpoints: undefined } }))
      : batchSize(r);
    const batch = queue.slice(0, size);
    const fleet = this.hooks.fleet();
    const moved = new Map<string, number>();
    const ended = new Map<string, number>();
    for (const old of batch) {
      const i = g.instances.findIndex((x) => x.instanceId === old);
      const before = g.instances[i];
      // StandbyInstances Terminate: "terminates instances that are in Standby"; a Standby instance is outside the
      // desired capacity, so nothing replaces it: ended, not moved.
      const standby = before?.lifecycle === 'Standby' && !rollback;
      if (before) {
        fleet.terminate(old);
        const counts = standby ? ended : moved;
        counts.set(before.imageId, (counts.get(before.imageId) ?? 0) + 1);
      }
      if (standby) {
        g.instances.splice(i, 1);
        continue;
      }
      const launched = fleet.launch(g.account, g.region, imageId, t, g.launchTemplate.id);
      const next = {
        instanceId: launched.instanceId,
        version,
        imageId,
        ...(g.newInstancesProtectedFromScaleIn && { protectedFromScaleIn: true }),
      };
      if (i >= 0) g.instances[i] = next;
      else g.instances.push(next);
      if (!rollback) r.launched.push(launched.instanceId);
    }
    if (!rollback) r.pending = r.pending.filter((id) => !batch.includes(id));
    const base = { at: t, group: g, refreshId: r.id, rollback, principal: r.principal, to: imageId };
    for (const [from, instances] of moved) this.hooks.onMove?.({ ...base, from, instances });
    for (const [from, instances] of ended) this.hooks.onMove?.({ ...base, from, instances, ended: true });
    r.inFlight = batch.length;
    r.phase = rollback ? 'rollback-warm' : 'warm';
    r.statusReason = undefined;
    // A launching lifecycle hook holds each new instance in Pending:Wait until the team's bootstrap completes it.
    r.nextAt = t + LAUNCH_MS + ((g.launchHookSeconds ?? 0) + r.prefs.warmupSeconds) * 1000;
  }

  /** Fails `r` (an alarm, blocked launches, the 14 days): with AutoRollback and a desired configuration, rolls back. */
  fail(r: InstanceRefresh, t: number, reason: string): void {
    if (r.prefs.autoRollback && r.desired) {
      this.startRollback(r, t, `Automatic rollback: ${reason}`);
      return;
    }
    this.end(r, t, 'Failed', reason);
  }

  /** RollbackInProgress: what the refresh launched is replaced with the group's configuration. */
  startRollback(r: InstanceRefresh, t: number, reason: string): void {
    const live = new Set(r.group.instances.map((i) => i.instanceId));
    r.rollback = {
      reason,
      startTime: t,
      instancesToUpdate: r.total - r.replaced - r.inFlight,
      percentage: refreshPercentage(r),
      toReplace: r.launched.filter((id) => live.has(id)),
      done: 0,
    };
    r.status = 'RollbackInProgress';
    r.statusReason = reason;
    r.pending = [];
    r.blockedSince = undefined;
    // Instances still warming up are replaced as well; the step waits for none of them.
    r.inFlight = 0;
    r.phase = 'rollback';
    r.nextAt = t;
  }

  private succeed(r: InstanceRefresh, t: number): void {
    // "Once the instance refresh succeeds, Amazon EC2 Auto Scaling updates the settings of the Auto Scaling group
    // to reflect the new desired configuration" (API_StartInstanceRefresh).
    // A mixed instances policy comes from the desired configuration too, its parameters not given at their defaults.
    if (r.desired) {
      r.group.launchTemplate = { id: r.desired.launchTemplateId, version: String(r.desired.version) };
      r.group.mixedInstancesPolicy = r.desired.mixed;
    }
    this.end(r, t, 'Successful');
  }

  end(r: InstanceRefresh, t: number, status: RefreshStatus, reason?: string): void {
    r.status = status;
    r.statusReason = reason;
    r.endTime = t;
    r.instancesAtEnd = r.group.instances.map((i) => ({ ...i }));
    r.phase = 'done';
    r.nextAt = Number.POSITIVE_INFINITY;
  }
}
