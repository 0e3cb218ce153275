/**
 * The ledger's record of one version's rollout to one channel's member groups (`IMAGE#<image>`,
 * `ROLLOUT#<channel>#<buildVersion>`): written by the rollout engine, changed by the operator's pause, resume and
 * abort (conditional updates), read by `status`, `history` and `rollout status`.
 */
export const rolloutStates = ['running', 'paused', 'halted', 'completed', 'aborted', 'superseded'] as const;
export type RolloutState = (typeof rolloutStates)[number];

/** A rollout that is still the engine's to act on: `openWork` is set exactly while the state is one of these. */
export const openRolloutStates: readonly RolloutState[] = ['running', 'paused'];

export const waveStates = ['pending', 'refreshing', 'baking', 'healthy', 'failed', 'rolled-back', 'skipped'] as const;
export type WaveState = (typeof waveStates)[number];

/** What an operator may do to a rollout (`goldsmith rollout pause|resume|abort`). */
export const rolloutOperatorActions = ['pause', 'resume', 'abort'] as const;
export type RolloutOperatorActionName = (typeof rolloutOperatorActions)[number];

/** One pause, resume or abort, as the operator endpoint recorded it. */
export interface RolloutOperatorAction {
  action: RolloutOperatorActionName;
  by: string;
  at: string;
  reason?: string;
}

/** One group's instance refresh in a wave, as AWS reported it last (DescribeInstanceRefreshes). */
export interface RolloutGroup {
  account: string;
  region: string;
  group: string;
  launchTemplateId: string;
  /** The launch template version the group ran before (its rollback target). */
  fromVersion: number;
  /** The version Goldsmith created with the rolled-out AMI, the refresh's DesiredConfiguration. */
  toVersion: number;
  refreshId: string;
  /** Auto Scaling's refresh status: Pending, InProgress, Baking, Successful, Failed, Cancelling, Cancelled, Rollback… */
  status: string;
  statusReason?: string;
}

export interface RolloutWave {
  name: string;
  state: WaveState;
  startedAt?: string;
  endedAt?: string;
  groups: RolloutGroup[];
}

/** A tagged group Goldsmith did not refresh, and why (not rollout-ready, someone else's refresh running, …). */
export interface SkippedGroup {
  account: string;
  region: string;
  group: string;
  reason: string;
}

export interface RolloutRecord {
  image: string;
  channel: string;
  /** The build version rolled out, e.g. `1.0.0/3`. */
  version: string;
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
  /** `rollout` while running or paused (the ledger's sparse open-work index). */
  openWork?: 'rollout';
}
