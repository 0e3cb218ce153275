/**
 * What happened in the world that may call for a build. Each kind carries the identity of the changed input, so
 * the same change delivered twice has the same `changeId` and the same dedupe keys.
 */

/**
 * Why a build was requested; the values the ledger and the simulator's report use. `cve` and `revocation` are
 * Goldsmith's own out-of-cycle requests ("Image Rebuild Requested" with a request id from {@link REBUILD_REQUEST}):
 * a finding over policy on a live version, and the children of a revoked parent; `manual` is a person's.
 */
export type Trigger = 'schedule' | 'base-image' | 'package' | 'cascade' | 'manual' | 'cve' | 'revocation';

/** The request ids of Goldsmith's own rebuild requests: what tells them from a person's (see {@link triggerOf}). */
export const REBUILD_REQUEST = {
  /** `finding:<version>`: a new finding over policy on a live version (functions/lifecycle/out-of-cycle.ts). */
  cve: 'finding:',
  /** `revoked:<image>:<version>`: a child of a revoked parent (functions/lifecycle/revoke.ts). */
  revocation: 'revoked:',
} as const;

/** An EventBridge Scheduler firing for one image; `scheduledTime` is the scheduler's own `<aws.scheduler.scheduled-time>`. */
export interface ScheduleChange {
  kind: 'schedule';
  image: string;
  scheduledTime: string;
}

/** A public SSM base-image parameter now points at a new AMI (seen by the watcher or an AMI-update notice). */
export interface BaseImageChange {
  kind: 'base-image';
  parameter: string;
  region: string;
  amiId: string;
  observedAt: string;
}

/** A package version was released (CodeArtifact, or CI's "Package Update"); CI may narrow it to some images. */
export interface PackageChange {
  kind: 'package';
  name: string;
  version: string;
  source: 'codeartifact' | 'ci';
  images?: readonly string[];
  observedAt: string;
}

/** A catalog image was promoted to a channel: the children following that channel rebuild on it. */
export interface CascadeChange {
  kind: 'cascade';
  parent: string;
  channel: string;
  buildVersion: string;
  promotedAt: string;
}

/** A person asked for a build; `requestId` makes the request idempotent. */
export interface ManualChange {
  kind: 'manual';
  image: string;
  requestId: string;
  requestedBy: string;
  requestedAt: string;
}

export type Change = ScheduleChange | BaseImageChange | PackageChange | CascadeChange | ManualChange;

/** A stable, human-readable identity of the change (not of the event that carried it). */
export function changeIdOf(change: Change): string {
  switch (change.kind) {
    case 'schedule':
      return `schedule:${change.image}@${change.scheduledTime}`;
    case 'base-image':
      return `base-image:${change.region}:${change.parameter}=${change.amiId}`;
    case 'package':
      return `package:${change.name}@${change.version}`;
    case 'cascade':
      return `cascade:${change.parent}/${change.channel}@${change.buildVersion}`;
    case 'manual':
      return `manual:${change.image}#${change.requestId}`;
  }
}

/**
 * A change id as people read it: its prefix names the trigger. Goldsmith's own rebuild requests are manual changes
 * underneath, so their stored id (an idempotency key, kept as it is) starts `manual:`; shown, it starts with its
 * trigger (`manual:os-base#finding:1.0.0/1` reads `cve:os-base#finding:1.0.0/1`, a revoked parent's child
 * `revocation:…#revoked:…`). Any other id reads as stored.
 */
export function changeIdText(changeId: string): string {
  const manual = /^manual:([^#]*)#(.*)$/.exec(changeId);
  if (!manual) return changeId;
  const [, image, requestId = ''] = manual;
  if (requestId.startsWith(REBUILD_REQUEST.cve)) return `cve:${image}#${requestId}`;
  if (requestId.startsWith(REBUILD_REQUEST.revocation)) return `revocation:${image}#${requestId}`;
  return changeId;
}

/** The trigger a change's builds are recorded with: a manual change from Goldsmith itself says why it asked. */
export function triggerOf(change: Change): Trigger {
  if (change.kind !== 'manual') return change.kind;
  if (change.requestId.startsWith(REBUILD_REQUEST.cve)) return 'cve';
  if (change.requestId.startsWith(REBUILD_REQUEST.revocation)) return 'revocation';
  return 'manual';
}

/** When the change happened: decides which patch window a base-image release falls in. */
export function changeTimeOf(change: Change): string {
  switch (change.kind) {
    case 'schedule':
      return change.scheduledTime;
    case 'base-image':
    case 'package':
      return change.observedAt;
    case 'cascade':
      return change.promotedAt;
    case 'manual':
      return change.requestedAt;
  }
}
