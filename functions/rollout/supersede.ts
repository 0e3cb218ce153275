import { getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { readRolloutFacts } from '../../aws/rollout/rollout-facts.js';
import { runningTemplate } from '../../aws/rollout/rollout-groups.js';
import { rollbackRefresh, startRefresh } from '../../aws/rollout/rollout-refresh.js';
import { createTemplateVersion } from '../../aws/rollout/rollout-template-versions.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import { RolloutRefusedError, rolloutAmis } from '../../core/rollout/facts.js';
import type { RolloutGroup, RolloutRecord, RolloutReplacement } from '../../core/rollout/record.js';
import { launchTemplateClientToken, tokenVersion } from '../../core/rollout/request.js';
import {
  movedOnReason,
  NOT_MOVED,
  planSupersede,
  previousIsTarget,
  refreshesToWatch,
  settledReason,
  withMoveStatuses,
  withMoves,
  withNotMoved,
  withSupersededWaves,
} from '../../core/rollout/supersede.js';
import { TemplateVersionMismatchError } from '../../core/rollout/template-check.js';
import { moveOf, readStatuses, revertPreferences } from './take-back.js';
import { type RolloutContext, SCOPE_CONCURRENCY, scopeOf } from './wave.js';

/**
 * Where a superseded rollout's groups go: the version the channel's pointer went back to, with its AMIs taken from the
 * ledger exactly as a rollout's are (a published, unrevoked version: rolloutAmis), or, when the pointer was withdrawn or
 * the ledger refuses its version, each group's previous launch template version. Undefined while the pointer still
 * names the revoked version (the revocation marks the rollout superseded before it moves the pointer back): wait.
 */
export async function decideReplacement(record: RolloutRecord): Promise<RolloutReplacement | undefined> {
  const { image, channel } = record;
  const pointer = await getChannelPointer(image, channel);
  if (pointer?.version === record.version) return undefined;
  if (!pointer) return { amis: {}, why: `the ${channel} pointer was withdrawn` };
  try {
    const amis = rolloutAmis(
      { image, channel, version: pointer.version },
      await readRolloutFacts(image, channel, pointer.version),
    );
    return { version: pointer.version, amis };
  } catch (error) {
    if (error instanceof RolloutRefusedError) return { amis: {}, why: error.message };
    throw error;
  }
}

/**
 * Moves these groups off the revoked version: a refresh still running is rolled back (to the configuration saved on the
 * group before it, its previous version: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RollbackInstanceRefresh.html);
 * a group whose refresh ended gets a new refresh, without AutoRollback or alarms (its saved configuration is the revoked
 * version, the one place a rollback must not go), to its previous version when that names the replacement's AMI, else
 * to a new version of its template copied from the previous one with the replacement's AMI (a retry gets the same one:
 * ClientToken). @returns the groups with their move recorded (`back`).
 */
export async function moveBack(
  ctx: RolloutContext,
  replacement: RolloutReplacement,
  rollBack: readonly RolloutGroup[],
  move: readonly RolloutGroup[],
): Promise<RolloutGroup[]> {
  await mapWithConcurrency(rollBack, SCOPE_CONCURRENCY, (g) =>
    rollbackRefresh(scopeOf(ctx, g.account, g.region), g.group),
  );
  return mapWithConcurrency(move, SCOPE_CONCURRENCY, async (g) => {
    const scope = scopeOf(ctx, g.account, g.region);
    // What the group runs now: a team that deployed a version of its own since is left as it is, never sent back.
    const running = await runningTemplate(scope, g.group);
    const movedOn = movedOnReason(g, running);
    if (movedOn) {
      const version = Number(running?.version);
      return {
        ...g,
        back: {
          version: Number.isInteger(version) ? version : g.toVersion,
          refreshId: '',
          status: NOT_MOVED,
          statusReason: movedOn,
        },
      };
    }
    const ami = replacement.amis[g.region];
    // The replacement copies the version the group runs now (Goldsmith's, or the one from before a refresh that did
    // not finish): every setting as it is, only the AMI changed.
    const current = Number(running?.version);
    let version: number;
    try {
      version =
        previousIsTarget(g, replacement) || ami === undefined
          ? g.fromVersion
          : await createTemplateVersion(scope, {
              launchTemplateId: g.launchTemplateId,
              sourceVersion: Number.isInteger(current) ? current : g.fromVersion,
              imageId: ami,
              clientToken: launchTemplateClientToken({
                ...g,
                image: ctx.image,
                channel: ctx.channel,
                version: `${replacement.version} after ${tokenVersion(ctx.version, ctx.attempt)}`,
              }),
              description: `goldsmith ${ctx.image} ${ctx.channel} ${replacement.version} (${ctx.version} revoked)`,
            });
    } catch (error) {
      // A replacement version that changed more than the AMI is never refreshed to: the group stays, told why.
      if (!(error instanceof TemplateVersionMismatchError)) throw error;
      return { ...g, back: { version: g.toVersion, refreshId: '', status: NOT_MOVED, statusReason: error.message } };
    }
    const out = await startRefresh(scope, {
      group: g.group,
      launchTemplateId: g.launchTemplateId,
      version,
      preferences: revertPreferences(ctx.settings),
      after: g.refreshId,
    });
    return { ...g, back: moveOf(version, out) };
  });
}

/** Writes the record (conditional on its state as read), optionally ending it with a reason. */
type Save = (next: RolloutRecord, end?: { state: 'superseded'; reason: string }) => Promise<void>;

/**
 * One step of a superseded rollout, safe to repeat: reads its groups' refreshes, decides once where they go, rolls
 * back or moves them, and, once every one is back, records where they went in the rollout's reason.
 * @returns whether it is done (the state machine ends).
 */
export async function followSuperseded(
  ctx: RolloutContext,
  read: RolloutRecord,
  save: Save,
  now: () => string,
): Promise<boolean> {
  if (planSupersede(read).kind === 'ended') return true;
  let record = withSupersededWaves(
    withMoveStatuses(read, await readStatuses(ctx, refreshesToWatch(read)), now()),
    now(),
  );
  if (!record.replacement) {
    const replacement = await decideReplacement(record);
    if (!replacement) {
      await save(record);
      return false;
    }
    record = { ...record, replacement };
  }
  const replacement = record.replacement;
  const step = planSupersede(record);
  switch (step.kind) {
    case 'move-back':
      if (replacement) {
        const moved = await moveBack(ctx, replacement, step.rollBack, step.move);
        record = withNotMoved(withMoves(record, moved), moved);
      }
      await save(record);
      return false;
    case 'wait':
    case 'decide':
      await save(record);
      return false;
    case 'settled': {
      const settled = { ...record, replacement: { ...replacement, amis: replacement?.amis ?? {}, settledAt: now() } };
      await save(settled, { state: 'superseded', reason: settledReason(settled, step) });
      return true;
    }
    case 'ended':
      return true;
  }
}
