/**
 * CloudWatch alarms in member accounts, per (account, Region, name), with a state the scenario sets over time
 * (`faults.alarms`). An instance refresh's AlarmSpecification reads them: an alarm in ALARM fails the refresh
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html). An alarm nobody set is OK.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmChange {
  readonly at: number;
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly state: AlarmState;
}

export class MemberAlarms {
  private readonly states = new Map<string, AlarmState>();
  readonly history: AlarmChange[] = [];
  private readonly listeners: ((change: AlarmChange) => void)[] = [];

  constructor(private readonly now: () => number) {}

  private static key(account: string, region: string, name: string): string {
    return `${account}/${region}/${name}`;
  }

  /** Sets an alarm's state now and tells the listeners (the Auto Scaling fake evaluates its refreshes). */
  set(account: string, region: string, name: string, state: AlarmState): void {
    const key = MemberAlarms.key(account, region, name);
    if (this.states.get(key) === state) return;
    this.states.set(key, state);
    const change = { at: this.now(), account, region, name, state };
    this.history.push(change);
    for (const l of this.listeners) l(change);
  }

  state(account: string, region: string, name: string): AlarmState {
    return this.states.get(MemberAlarms.key(account, region, name)) ?? 'OK';
  }

  /** The names of the alarms a scenario set in that account and Region, sorted. */
  names(account: string, region: string): string[] {
    const head = `${account}/${region}/`;
    return [...this.states.keys()]
      .filter((k) => k.startsWith(head))
      .map((k) => k.slice(head.length))
      .sort();
  }

  /** When that alarm last changed state, if a scenario ever set it. */
  changedAt(account: string, region: string, name: string): Date | undefined {
    const last = this.history.findLast((c) => c.account === account && c.region === region && c.name === name);
    return last ? new Date(last.at) : undefined;
  }

  /** The first of `names` in ALARM in that account and Region, if any. */
  firing(account: string, region: string, names: readonly string[]): string | undefined {
    return names.find((n) => this.state(account, region, n) === 'ALARM');
  }

  onChange(fn: (change: AlarmChange) => void): void {
    this.listeners.push(fn);
  }
}
