import { channelParameterName } from '../../stacks/names.js';
import type { RefreshMove } from '../fakes/autoscaling-refresh-types.js';
import { FleetState } from '../fakes/ec2-fleet.js';
import { exportState, importState, type PlainState } from '../snapshot/plain-state.js';
import { byRolloutRole } from './audit-rollout.js';
import type { LocalCloud } from './cloud.js';
import { type AccountFleet, newFleetAccounts } from './fleet-accounts.js';
import { drawTeam, type FleetEvent, moveDelay, replaceInstances, type TeamKind } from './fleet-events.js';
import { FleetGroups } from './fleet-groups.js';
import { groupNamesOf } from './fleet-shapes.js';
import type { Scenario, ScenarioFleet } from './scenario.js';

/** How often teams look at their channel's pointer (a daily deploy pipeline, run four times a day somewhere). */
export const CHECK_HOURS = 6;
const HOUR = 3_600_000;

export type { FleetEvent, TeamKind } from './fleet-events.js';

/**
 * The scenario's fleets: member accounts that read their channel's pointer every CHECK_HOURS and move their launch
 * template and Auto Scaling group to its AMI when their team gets round to it. They launch only what EC2 lets them
 * (the AMI must exist and be shared with them); running instances stay on whatever they run, revoked or not. The
 * EC2 fake's usage reports count what they run.
 */
export class SimulatedFleets {
  readonly state: FleetState;
  readonly events: FleetEvent[] = [];
  private readonly fleets: { spec: ScenarioFleet; accounts: AccountFleet[] }[] = [];
  readonly groups: FleetGroups;
  /** `account/region/group` → its fleet account, for the moves the refreshes report. */
  /** The organization's version the fleets' accounts were last read at. */
  private admittedAt = -1;
  private readonly byGroup = new Map<string, { spec: ScenarioFleet; a: AccountFleet }>();
  /** Each account's team per fleet, drawn once from the seed (a hash): the checks ask it every CHECK_HOURS. */
  private readonly teams = new Map<ScenarioFleet, Map<string, TeamKind>>();

  constructor(
    private readonly cloud: LocalCloud,
    private readonly scenario: Scenario,
  ) {
    const { organizations, ec2 } = cloud.installed.fakes;
    // The launch templates of the Auto Scaling fake count in the same state.
    this.state = ec2.usage.fleet ?? new FleetState(() => ec2.completeUsageReports());
    this.groups = new FleetGroups(cloud, scenario, (m) => this.refreshed(m));
    ec2.usage.fleet = this.state;
    ec2.usage.org = organizations;
    for (const spec of scenario.fleets) {
      if (!cloud.catalog.images[spec.image]) throw new Error(`fleets: no image "${spec.image}" in the catalog`);
      if (!cloud.catalog.channels.some((c) => c.name === spec.channel))
        throw new Error(`fleets: no channel "${spec.channel}" in the catalog`);
      this.fleets.push({ spec, accounts: [] });
    }
    this.admit();
  }

  /**
   * Adds to each fleet the accounts its channel reaches that it does not hold yet: all of them at the start, then
   * accounts that joined the channel's targets (a new account, one moved into a targeted OU), which launch their
   * group on their team's first check, as the others did.
   */
  private admit(): void {
    const { organizations } = this.cloud.installed.fakes;
    if (organizations.version === this.admittedAt) return;
    this.admittedAt = organizations.version;
    for (const fleet of this.fleets) {
      const added = newFleetAccounts(this.cloud.catalog, this.scenario.seed, fleet, organizations);
      fleet.accounts.push(...added);
      const { spec } = fleet;
      for (const a of added)
        for (const name of groupNamesOf(spec.image, spec.channel, spec.shapes[a.account]))
          this.byGroup.set(`${a.account}/${a.region}/${name}`, { spec, a });
    }
  }

  /** Puts the teams' checks on the clock, every CHECK_HOURS from the scenario's start. */
  start(): void {
    if (this.fleets.length === 0) return;
    this.groups.scheduleAlarms([...new Set(this.fleets.flatMap((f) => f.accounts.map((a) => a.region)))]);
    this.scheduleChecks(Date.parse(this.scenario.start), Date.parse(this.scenario.until));
  }

  /** The teams' checks in [from, until), on the CHECK_HOURS grid from the scenario's start. */
  scheduleChecks(from: number, until: number): void {
    if (this.fleets.length === 0) return;
    for (let t = Date.parse(this.scenario.start) + CHECK_HOURS * HOUR; t < until; t += CHECK_HOURS * HOUR) {
      if (t >= from) this.armCheck(t);
    }
  }

  /** One check of every team, at `at` (also a saved cloud's pending check, armed again). */
  armCheck(at: number): void {
    this.cloud.clock.schedule(at, 'fleets check pointers', () => this.check(), { kind: 'fleets check' });
  }

  /** The fleets' own progress (their accounts, teams drawn, events, Auto Scaling's next steps), for a saved cloud. */
  saveState(): PlainState {
    return exportState(this.held(), this.specs());
  }

  /** Takes `saveState`'s data into these fleets, built fresh for the same cloud and scenario. */
  loadState(state: PlainState): void {
    const held = this.held();
    importState(held, state, new Map([...this.specs()].map(([spec, name]) => [name, spec])));
    this.admittedAt = held.admittedAt;
    this.groups.scheduledAt = held.scheduledAt;
  }

  private held() {
    return {
      fleets: this.fleets,
      byGroup: this.byGroup,
      teams: this.teams,
      events: this.events,
      admittedAt: this.admittedAt,
      scheduledAt: this.groups.scheduledAt,
    };
  }

  /** The scenario's fleets, by position: the same objects in the fresh run. */
  private specs(): Map<object, string> {
    return new Map(this.scenario.fleets.map((spec, i) => [spec, `fleet ${i}`]));
  }

  /** The team of an account in a fleet. */
  team(spec: ScenarioFleet, account: string): TeamKind {
    const ofFleet = this.teams.get(spec) ?? new Map<string, TeamKind>();
    this.teams.set(spec, ofFleet);
    const known = ofFleet.get(account);
    if (known) return known;
    const drawn = drawTeam(this.scenario.seed, spec, account);
    ofFleet.set(account, drawn);
    return drawn;
  }

  private check(): void {
    this.admit();
    const { ssm, ec2, organizations } = this.cloud.installed.fakes;
    const now = this.cloud.clock.now();
    for (const { spec, accounts } of this.fleets) {
      const name = channelParameterName(spec.image, spec.channel);
      for (const a of accounts) {
        const pointer = ssm.value(a.region, name);
        if (pointer === undefined) continue;
        const team = this.team(spec, a.account);
        // A group that follows the rollout is moved by its refreshes only, once its team has launched it.
        if (a.mode === 'rollout' && a.running !== undefined) continue;
        if (pointer !== a.target) {
          a.target = pointer;
          a.moveAt =
            pointer === a.running
              ? Number.POSITIVE_INFINITY
              : now + moveDelay(this.scenario.seed, spec, a, team, pointer);
        }
        if (now < a.moveAt || a.running === pointer) continue;
        // A suspended or closed account (or one gone from the organization) launches nothing.
        if (organizations.accountState(a.account) !== 'ACTIVE') continue;
        // EC2 refuses to launch an AMI that is gone or not shared with the account: the team tries again later.
        if (!ec2.isLaunchableBy(a.region, pointer, a.account, organizations)) continue;
        this.move(spec, a, team, pointer);
      }
    }
  }

  /** A new launch template version and an instance refresh: half the instances now, the rest refreshHours later. */
  private move(spec: ScenarioFleet, a: AccountFleet, team: TeamKind, to: string): void {
    if (a.mode !== 'manual') {
      this.moveGroup(spec, a, team, to);
      return;
    }
    if (a.templateId === undefined) a.templateId = this.state.createTemplate(a.account, a.region, to).launchTemplateId;
    else this.state.newVersion(a.templateId, to);
    a.running = to;
    a.moveAt = Number.POSITIVE_INFINITY;
    if (a.instanceIds.length === 0) {
      this.replace(spec, a, team, to, spec.instances);
      return;
    }
    const first = Math.ceil(a.instanceIds.length / 2);
    this.replace(spec, a, team, to, first);
    this.armRefresh(
      { fleet: this.fleets.findIndex((f) => f.spec === spec), account: a.account, region: a.region, to },
      this.cloud.clock.now() + spec.refreshHours * HOUR,
    );
  }

  /** The second half of a manual instance refresh, at `at` (also a saved cloud's pending one, armed again). */
  armRefresh(r: { fleet: number; account: string; region: string; to: string }, at: number): void {
    const fleet = this.fleets[r.fleet];
    const a = fleet?.accounts.find((x) => x.account === r.account && x.region === r.region);
    if (!fleet || !a) throw new Error(`fleets: no account ${r.account} in ${r.region} in fleet ${r.fleet}`);
    const { spec } = fleet;
    const team = this.team(spec, a.account);
    this.cloud.clock.schedule(
      at,
      `fleets refresh ${a.account}`,
      () => {
        const { ec2, organizations } = this.cloud.installed.fakes;
        // An instance refresh stops when its AMI can no longer launch, and starts over on the team's next move.
        if (a.running !== r.to || !ec2.isLaunchableBy(a.region, r.to, a.account, organizations)) return;
        this.replace(spec, a, team, r.to, a.instanceIds.length);
      },
      { kind: 'fleets refresh', data: r },
    );
  }

  /** A rollout or parameter account: its first launch makes its group; later, a parameter group's team refreshes it. */
  private moveGroup(spec: ScenarioFleet, a: AccountFleet, team: TeamKind, to: string): void {
    const first = a.running === undefined;
    a.running = to;
    a.moveAt = Number.POSITIVE_INFINITY;
    if (!first) {
      this.groups.teamRefresh(spec, a.account, a.region);
      return;
    }
    a.instanceIds = this.groups.launch(a.mode, spec, a.account, a.region, to);
    if (a.instanceIds.length === 0) return;
    const { image, channel } = spec;
    const at = new Date(this.cloud.clock.now()).toISOString();
    const { account, ou, region } = a;
    this.events.push({
      at,
      image,
      channel,
      account,
      ou,
      region,
      team,
      from: undefined,
      to,
      instances: a.instanceIds.length,
    });
  }

  /** Instances a refresh moved: a fleet event, marked when Goldsmith's rollout started the refresh. */
  private refreshed(m: RefreshMove): void {
    const found = this.byGroup.get(`${m.group.account}/${m.group.region}/${m.group.name}`);
    if (!found) return;
    const { spec, a } = found;
    this.events.push({
      at: new Date(m.at).toISOString(),
      image: spec.image,
      channel: spec.channel,
      account: a.account,
      ou: a.ou,
      region: a.region,
      team: this.team(spec, a.account),
      from: m.from,
      to: m.to,
      instances: m.instances,
      ...(byRolloutRole(m.principal) ? { by: 'rollout' as const } : {}),
      ...(m.ended && { ended: true as const }),
    });
  }

  /** Replaces up to `count` instances not yet on `to` (or launches them, the first time: fleet-events.ts). */
  private replace(spec: ScenarioFleet, a: AccountFleet, team: TeamKind, to: string, count: number): void {
    replaceInstances({ state: this.state, events: this.events, now: this.cloud.clock.now() }, spec, a, team, to, count);
  }
}
