/**
 * What a wave of a rollout met besides its refreshes: scopes it could not start yet, refusals, alarms, skipped
 * groups. Kept on the rollout record's waves (core/rollout/record.ts).
 */

/** A member account and Region whose groups a wave has not been able to start yet: AWS kept answering retriably. */
export interface PendingScope {
  account: string;
  region: string;
  /** How many times the engine tried it. */
  attempts: number;
  /** The last answer: AWS's error code and message. */
  code: string;
  message: string;
}

/** How many refusals a wave met: by AWS's error code, and by account and Region (the first 50 of them). */
export interface RefusalSummary {
  total: number;
  codes: { code: string; failures: number }[];
  /** Each with its first refusal's code and message and its first group names (none: the whole account refused). */
  accounts: { account: string; region: string; failures: number; code: string; message: string; groups: string[] }[];
}

/** A member account and Region (or one group there) that refused the engine, with AWS's error code and message. */
export interface ScopeFailure {
  account: string;
  region: string;
  /** Absent: the whole account and Region (its role could not be assumed, its groups could not be listed). */
  group?: string;
  /** What the engine was doing: `start` (find groups, start refreshes), `read`, `cancel`. */
  step: string;
  code: string;
  message: string;
  at: string;
}

/** A catalog alarm in ALARM in one of a finished wave's accounts and Regions (CloudWatch DescribeAlarms). */
export interface WaveAlarm {
  name: string;
  account: string;
  region: string;
  /** When Goldsmith read it in ALARM. */
  at: string;
  /**
   * Which of the wave's groups it took back (the channel's `lateAlarmScope` when it fired): those in its account and
   * Region, or the whole wave. Absent from a record written before it was kept.
   */
  scope?: 'account' | 'wave';
  /**
   * Every account and Region of the wave where one of its alarms was read in ALARM at that check, `account` and
   * `region` first, when there were more than one: an `account` scope takes back the groups of each. Absent: that one.
   */
  alarmedIn?: { account: string; region: string }[];
}

/** How many groups a wave skipped, and why: at most ten reasons one by one, the rest as `other reasons`. */
export interface SkipSummary {
  total: number;
  reasons: { reason: string; groups: number }[];
}

/** A tagged group Goldsmith did not refresh, and why (not rollout-ready, someone else's refresh running, …). */
export interface SkippedGroup {
  account: string;
  region: string;
  group: string;
  reason: string;
  /** The wave whose start skipped it (told in that wave's one summary); absent: skipped later, told on its own. */
  wave?: string;
}

/**
 * The accounts a wave's OUs held when it started that an earlier wave of the same rollout had already reached (they
 * moved between OUs mid-rollout): left to that wave, so each account is refreshed once (core/rollout/wave-members.ts).
 */
export interface MovedIn {
  total: number;
  /** The first 50: the account, and the wave that reached it. */
  accounts: { account: string; wave: string }[];
}

/**
 * A member account and Region whose rollout role refused the engine while the member baseline's StackSet had it
 * between two stack instances (it moves between OUs: the old instance deleted, the new one queued or being created).
 * Not a refusal yet: the wave waits for it (core/rollout/moving.ts).
 */
export interface MovingScope {
  account: string;
  region: string;
  /** When the engine first found it moving. */
  since: string;
  /** AWS's refusal meanwhile. */
  code: string;
  message: string;
}
