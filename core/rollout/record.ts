import type { LeftBehind } from './left-behind.js';
import type { MixedSent } from './mixed-sent.js';
import type {
  MovedIn,
  MovingScope,
  PendingScope,
  RefusalSummary,
  ScopeFailure,
  SkippedGroup,
  SkipSummary,
  WaveAlarm,
} from './wave-findings.js';

export type {
  MovedIn,
  MovingScope,
  PendingScope,
  RefusalSummary,
  ScopeFailure,
  SkippedGroup,
  SkipSummary,
  WaveAlarm,
} from './wave-findings.js';

/**
 * The ledger's record of one version's rollout to one channel's member groups (`IMAGE#<image>`,
 * `ROLLOUT#<channel>#<buildVersion>`): written by the rollout engine, changed by the operator's pause, resume and
 * abort (conditional updates), read by `status`, `history` and `rollout status`.
 */
export const rolloutStates = ['running', 'paused', 'halted', 'completed', 'aborted', 'superseded', 'stopped'] as const;
export type RolloutState = (typeof rolloutStates)[number];

/** A rollout that is still the engine's to act on: `openWork` is set exactly while the state is one of these. */
export const openRolloutStates: readonly RolloutState[] = ['running', 'paused'];

/**
 * `superseded`: under way when a revocation superseded the rollout; its groups were taken off the version. `aborted`:
 * under way when an operator aborted the rollout; it ended once AWS reported each of its cancels done.
 */
export const waveStates = [
  'pending',
  'refreshing',
  'baking',
  'healthy',
  'failed',
  'rolled-back',
  'skipped',
  'superseded',
  'aborted',
] as const;
export type WaveState = (typeof waveStates)[number];

/** What an operator may do to a rollout (`goldsmith rollout pause|resume|abort|retry`). */
export const rolloutOperatorActions = ['pause', 'resume', 'abort', 'retry'] as const;
export type RolloutOperatorActionName = (typeof rolloutOperatorActions)[number];

/** One pause, resume, abort or retry, as the operator endpoint recorded it. */
export interface RolloutOperatorAction {
  action: RolloutOperatorActionName;
  by: string;
  at: string;
  reason?: string;
  /** A retry: the halt it took the rollout out of, and the waves it started again as they had ended (for `history`). */
  retried?: RetriedHalt;
}

/** A retry's intent: the execution it starts (a deterministic name) and when it decided to. */
export interface RetryIntent {
  execution: string;
  at: string;
}

/** What a retry started again: the halt (when, why, at which wave) and each wave it reset, as that wave had ended. */
export interface RetriedHalt {
  at: string;
  reason?: string;
  /** The wave the retry starts from (index into `waves`). */
  fromWave: number;
  /** The rollout had been superseded (a rollback took its groups back), not halted: its version came back since. */
  superseded?: boolean;
  /** A rollout superseded after it had ended (`takenBack`): how it had ended, and the groups it had refreshed. */
  before?: { state: TakenBack['from']; at: string; reason?: string; refreshed: number };
  waves: {
    name: string;
    state: WaveState;
    startedAt?: string;
    endedAt?: string;
    rolledBackAt?: string;
    groups: number;
    /** In how many accounts its groups were (absent from an older record). */
    accounts?: number;
    /** Its end as `history` told it before the retry, after its name (core/status/rollout-wave-end.ts). */
    ended?: string;
    /** Failed by an alarm after it had finished healthy. */
    alarmed?: boolean;
  }[];
}

/** One group's instance refresh in a wave, as AWS reported it last (DescribeInstanceRefreshes). */
export interface RolloutGroup {
  account: string;
  region: string;
  group: string;
  launchTemplateId: string;
  /** The launch template version the group ran before (its rollback target). */
  fromVersion: number;
  /** The AMI that version names (`ImageId`), as DescribeLaunchTemplateVersions read it when the wave started. */
  fromImageId?: string;
  /** The version Goldsmith created with the rolled-out AMI, the refresh's DesiredConfiguration. */
  toVersion: number;
  refreshId: string;
  /** A mixed-instances group: the instance types and On-Demand/Spot split its refresh kept (core/rollout/mixed-sent.ts). */
  mixed?: MixedSent;
  /** Auto Scaling's refresh status: Pending, InProgress, Baking, Successful, Failed, Cancelling, Cancelled, Rollback… */
  status: string;
  statusReason?: string;
  /**
   * The refresh that took the group off the rolled-out version once the rollout was superseded (to the version the
   * channel's pointer went back to, or to `fromVersion`): the launch template version it names, and its status.
   */
  back?: GroupMove;
  /**
   * Read once its refresh was Successful: its instances still on an older version (protected from scale in or in
   * Standby, which the channel's `protectedInstances`/`standbyInstances` told the refresh to ignore), by why.
   */
  leftBehind?: LeftBehind;
}

/** A refresh Goldsmith started to move a group off the rolled-out version, as AWS reported it last. */
export interface GroupMove {
  version: number;
  /** Empty when it could not start (another refresh ran on the group); `statusReason` says why. */
  refreshId: string;
  status: string;
  statusReason?: string;
}

/**
 * Where a superseded rollout takes the groups it reached: the version the channel's pointer went back to, with its
 * AMIs as the ledger holds them (a published, unrevoked version, like any rollout's), or each group's previous launch
 * template version when there is none (the pointer was withdrawn, or the ledger refused it: `why`).
 */
export interface RolloutReplacement {
  version?: string;
  amis: Record<string, string>;
  why?: string;
  /** When every group it reached was found back (each move-back refresh ended). */
  settledAt?: string;
}

export interface RolloutWave {
  name: string;
  state: WaveState;
  startedAt?: string;
  endedAt?: string;
  /** When its groups were recorded back on their previous version (the wave became `rolled-back`). */
  rolledBackAt?: string;
  groups: RolloutGroup[];
  /**
   * As the ledger holds the wave: how many chunk items hold its groups (core/rollout/group-chunks.ts); the record
   * read back has them in `groups`.
   */
  groupChunks?: number;
  /** As the ledger holds the wave: its groups counted by the status AWS last reported. */
  groupsByStatus?: Record<string, number>;
  /** Every group the wave's start skipped, counted by reason (`skippedGroups` names only the first ones). */
  skipped?: SkipSummary;
  /**
   * The groups whose own refresh failed and halted the rollout (the first 10), as the halt found them; the wave's
   * other groups were rolled back (or refreshed back) by that halt. Absent from a record written before it was kept.
   */
  haltedBy?: { account: string; region: string; group: string }[];
  /** The alarm found in ALARM after the wave had finished, which halted the rollout and took its groups back. */
  alarm?: WaveAlarm;
  /**
   * The accounts (or single groups) of the wave whose own answer refused the engine (its rollout role denied or
   * missing, a refresh refused): AWS's error code and message. The rest of the wave goes on without them.
   */
  failures?: ScopeFailure[];
  /**
   * Every refusal of the wave counted (`failures` names the first 50 of starting, core/rollout/refusals.ts): by
   * error code, and by account and Region.
   */
  refused?: RefusalSummary;
  /**
   * Accounts and Regions still throttled (or answering 5xx) after the SDK's retries when the wave started: their
   * groups are tried again at each check until the wave's deadline for them (core/rollout/pending.ts), then recorded
   * as the account's failure. The wave does not end while any is pending.
   */
  pending?: PendingScope[];
  /** Accounts its OUs held when it started that an earlier wave of this rollout had reached: refreshed there, once. */
  movedIn?: MovedIn;
  /**
   * Accounts in an earlier wave's OUs (as the organization held them when this wave started) that no earlier wave had
   * reached, which this wave took and found groups in, with that earlier wave (core/rollout/wave-members.ts).
   */
  joined?: MovedIn;
  /**
   * Accounts and Regions between two member baseline stack instances (moving between OUs) whose refreshes could not
   * be read: the wave is not judged while any is, until MOVING_MINUTES after each was found (core/rollout/moving.ts).
   */
  moving?: MovingScope[];
}

/** How an ended rollout had ended before a revocation superseded it, and when that was. */
export interface TakenBack {
  from: 'completed' | 'halted' | 'aborted' | 'stopped';
  reason?: string;
  at: string;
  /** Set once the reconciler found the execution taking the groups back no longer running, before they all were. */
  stopped?: { execution: string; at: string };
}

export interface RolloutRecord {
  image: string;
  channel: string;
  /** The build version rolled out, e.g. `1.0.0/3`. */
  version: string;
  /**
   * The version's promotion attempt whose Publish started it (core/promotion/attempts.ts), from the second on: its
   * executions' names and its launch template versions are its own. Absent: the first.
   */
  attempt?: number;
  /** Region → the AMI id rolled out there. */
  amis: Record<string, string>;
  state: RolloutState;
  startedAt: string;
  updatedAt: string;
  endedAt?: string;
  /** Why it halted, was aborted, superseded or paused. */
  reason?: string;
  /** The principal of the last pause, resume or abort. */
  by?: string;
  /**
   * Every pause, resume and abort an operator made, oldest first (appended by the operator's conditional update, so
   * `history` tells each one; `by` and `reason` hold only the last).
   */
  operatorActions?: RolloutOperatorAction[];
  /** Index into `waves` of the wave under way (or the last one). */
  currentWave: number;
  waves: RolloutWave[];
  skippedGroups: SkippedGroup[];
  /** Set once a superseded rollout decided where its groups go back to. */
  replacement?: RolloutReplacement;
  /**
   * Set when a revocation superseded the rollout after it had ended (completed, halted with waves that stayed
   * healthy, or aborted or stopped after refreshing groups): how it had ended, with its reason, and when the revocation took its groups back.
   */
  takenBack?: TakenBack;
  /**
   * Written by a retry with its `running` state, before it starts the execution that runs the rollout after it: that
   * execution's name and the retry's instant. Until the execution's first step writes the record (which removes it),
   * the execution may not exist yet; the reconciler starts it rather than mark the rollout stopped
   * (functions/reconcile-rollouts.ts).
   */
  retrying?: RetryIntent;
  /**
   * `rollout` while running or paused; `rollout-take-back` while an execution takes an ended rollout's groups back
   * (the ledger's sparse open-work index).
   */
  openWork?: 'rollout' | 'rollout-take-back';
}
