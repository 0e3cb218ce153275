/**
 * The local EventBridge: routes events with the rule patterns taken from the synthesized stacks and delivers
 * them to in-process targets at least once — or, when the scenario says so, several times or not at all.
 */

export interface BusRule {
  /** The rule's logical name (as `matched` reports it). */
  name: string;
  eventBusName: string;
  /** The Region whose bus the rule is on; the home Region when absent. */
  region?: string;
  /** The rule's name as EventBridge's API knows it (DescribeRule, ListRules); `name` when absent. */
  ruleName?: string;
  /** DISABLED: the rule matches nothing until enabled again (EventBridge DisableRule / EnableRule). */
  state?: 'ENABLED' | 'DISABLED';
  /** Each target's id and role as PutTargets gave them, by target ARN (ListTargetsByRule answers them). */
  targetIds?: Record<string, { id: string; roleArn?: string | undefined }>;
  pattern: unknown;
  /**
   * Target function ARNs (placeholder ARNs from the template are fine: the simulator maps them), or an event bus
   * ARN, to which the event is put as it is (its `region` stays the origin's).
   */
  targets: string[];
}

export interface BusEvent {
  version?: string;
  id?: string;
  'detail-type': string;
  source: string;
  account?: string;
  time?: string;
  region?: string;
  resources?: string[];
  detail: unknown;
}

export interface DeliveryFaults {
  /** How many times the next delivery to a target happens (at-least-once delivery made visible): `deliveryCopies`. */
  copies(): number;
  /** Probability that an event whose source is in `droppableSources` is never delivered. */
  dropRate: number;
  droppableSources: readonly string[];
}

export interface LocalEventBusOptions {
  rules: readonly BusRule[];
  matches(pattern: unknown, event: unknown): boolean;
  /** Delivers one event to one target; the bus does not wait for the handler's outcome to route the next. */
  deliver(targetArn: string, event: BusEvent, rule: BusRule): void;
  faults?: DeliveryFaults;
  random?: () => number;
  /** The Region of a put or rule that names none. */
  homeRegion?: string;
}

export interface PutResult {
  matched: string[];
  delivered: number;
  dropped: boolean;
}

/**
 * How many times one delivery happens: `deliverEachEventTimes`, and once more with probability `duplicateRate` (drawn
 * from `random` only when there is a rate). The local bus and the async invoker both ask it, through one function.
 */
export function deliveryCopies(
  faults: { deliverEachEventTimes: number; duplicateRate?: number },
  random: () => number,
): number {
  const rate = faults.duplicateRate ?? 0;
  return faults.deliverEachEventTimes + (rate > 0 && random() < rate ? 1 : 0);
}

/** An event bus ARN as a rule's target: `arn:aws:events:<region>:<account>:event-bus/<name>`. */
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):\d{12}:event-bus\/(.+)$/;

export class LocalEventBus {
  private readonly faults: DeliveryFaults;
  private readonly random: () => number;
  /** Totals for the report. */
  readonly stats = { put: 0, delivered: 0, dropped: 0, duplicates: 0, unmatched: 0 };
  /**
   * Each bus's resource policy by name, as the stacks set it and PutPermission / RemovePermission change it
   * (./permissions.ts): what the bus authorizer evaluates every PutEvents entry against, saved with the bus.
   */
  readonly policies = new Map<string, { Version: string; Statement: unknown[] }>();

  /** Events a scenario loses on the way (`outside-change` `dropEvent`): each the next event put that it matches. */
  private readonly toLose: ((event: BusEvent, region: string | undefined) => boolean)[] = [];

  /** Loses the next event put that `matches` (a scenario's lost event: only the backstops then find the change). */
  loseNext(matches: (event: BusEvent, region: string | undefined) => boolean): void {
    this.toLose.push(matches);
  }

  constructor(private readonly options: LocalEventBusOptions) {
    this.faults = options.faults ?? { copies: () => 1, dropRate: 0, droppableSources: [] };
    this.random = options.random ?? Math.random;
  }

  /**
   * The rules (by name) of `eventBusName` in `region` whose pattern matches `event`; no delivery. Each Region has
   * its own buses: a rule sees only events put on its own Region's bus.
   */
  match(event: BusEvent, eventBusName = 'default', region = this.options.homeRegion): BusRule[] {
    const home = this.options.homeRegion;
    return this.options.rules.filter(
      (r) =>
        r.eventBusName === eventBusName &&
        (r.region ?? home) === region &&
        r.state !== 'DISABLED' &&
        this.options.matches(r.pattern, event),
    );
  }

  /**
   * PutEvents for one event on `eventBusName` in `region` (the home Region unless named): route it, then deliver it
   * (possibly duplicated or dropped, per the faults). A target that is an event bus receives the event unchanged.
   */
  put(event: BusEvent, eventBusName = 'default', region = this.options.homeRegion): PutResult {
    this.stats.put += 1;
    const rules = this.match(event, eventBusName, region);
    if (rules.length === 0) this.stats.unmatched += 1;
    const lost = this.toLose.findIndex((matches) => matches(event, region));
    if (lost >= 0) {
      this.toLose.splice(lost, 1);
      this.stats.dropped += 1;
      return { matched: rules.map((r) => r.name), delivered: 0, dropped: true };
    }
    const droppable = this.faults.droppableSources.includes(event.source);
    if (rules.length > 0 && droppable && this.faults.dropRate > 0 && this.random() < this.faults.dropRate) {
      this.stats.dropped += 1;
      return { matched: rules.map((r) => r.name), delivered: 0, dropped: true };
    }
    let delivered = 0;
    /** Deliveries made by the buses this one forwarded to (they count their own in `stats`). */
    let forwarded = 0;
    for (const rule of rules) {
      for (const target of rule.targets) {
        const bus = EVENT_BUS_ARN.exec(target);
        if (bus) {
          forwarded += this.put(event, bus[2], bus[1]).delivered;
          continue;
        }
        const copies = this.faults.copies();
        for (let copy = 0; copy < copies; copy += 1) {
          this.options.deliver(target, event, rule);
          delivered += 1;
          if (copy > 0) this.stats.duplicates += 1;
        }
      }
    }
    this.stats.delivered += delivered;
    return { matched: rules.map((r) => r.name), delivered: delivered + forwarded, dropped: false };
  }
}
