import type { FleetState } from '../fakes/ec2-fleet.js';
import type { AccountFleet } from './fleet-accounts.js';
import { unit } from './fleet-groups.js';
import type { ScenarioFleet } from './scenario.js';

const DAY = 86_400_000;

export type TeamKind = 'prompt' | 'late' | 'never';

/**
 * One change to a fleet, as the member account made it: instances moved from one AMI to another (`from` undefined
 * for the first launch). The compliance test recomputes its figures from these alone, not from Goldsmith's ledger.
 */
export interface FleetEvent {
  readonly at: string;
  readonly image: string;
  readonly channel: string;
  readonly account: string;
  /** The account's parent OU. */
  readonly ou: string;
  readonly region: string;
  readonly team: TeamKind;
  readonly from: string | undefined;
  readonly to: string;
  readonly instances: number;
  /** `rollout`: moved by an instance refresh Goldsmith's rollout started (not by the team). */
  readonly by?: 'rollout';
  /** The instances on `from` were ended, none launched on `to` (a refresh's Standby instances under `Terminate`). */
  readonly ended?: true;
}

/** The team of an account in a fleet, drawn from the seed (a hash). */
export function drawTeam(seed: number, spec: ScenarioFleet, account: string): TeamKind {
  const u = unit(seed, 'team', spec.image, spec.channel, account);
  return u < spec.teams.prompt ? 'prompt' : u < spec.teams.prompt + spec.teams.late ? 'late' : 'never';
}

export function moveDelay(seed: number, spec: ScenarioFleet, a: AccountFleet, team: TeamKind, pointer: string): number {
  const u = unit(seed, 'delay', spec.image, spec.channel, a.account, a.region, pointer);
  // A team's first launch follows the channel within its prompt window, whatever kind of team it is.
  if (a.running === undefined || team === 'prompt') return u * spec.promptDays * DAY;
  if (team === 'never') return Number.POSITIVE_INFINITY;
  const [from, to] = spec.lateDays;
  return (from + u * (to - from)) * DAY;
}

/** Replaces up to `count` instances not yet on `to` (or launches them, the first time). */
export function replaceInstances(
  fleets: { readonly state: FleetState; readonly events: FleetEvent[]; readonly now: number },
  spec: ScenarioFleet,
  a: AccountFleet,
  team: TeamKind,
  to: string,
  count: number,
): void {
  const { state, events, now } = fleets;
  const moved = new Map<string | undefined, number>();
  const kept: string[] = [];
  let left = count;
  for (const id of a.instanceIds) {
    const old = state.instances.get(id);
    if (left > 0 && old && old.imageId !== to) {
      state.terminate(id);
      kept.push(state.launch(a.account, a.region, to, now, a.templateId).instanceId);
      moved.set(old.imageId, (moved.get(old.imageId) ?? 0) + 1);
      left--;
    } else kept.push(id);
  }
  if (a.instanceIds.length === 0) {
    for (let i = 0; i < count; i++) kept.push(state.launch(a.account, a.region, to, now, a.templateId).instanceId);
    moved.set(undefined, count);
  }
  a.instanceIds = kept;
  for (const [from, instances] of moved) {
    events.push({
      at: new Date(now).toISOString(),
      image: spec.image,
      channel: spec.channel,
      account: a.account,
      ou: a.ou,
      region: a.region,
      team,
      from,
      to,
      instances,
    });
  }
}
