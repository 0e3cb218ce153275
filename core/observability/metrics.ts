/**
 * Goldsmith's application metrics (CloudWatch EMF through Powertools): the names the functions emit and the
 * dashboard and alarms read. One list, so a renamed metric breaks the stack tests rather than an alarm in silence.
 */

/** The namespace and the `service` dimension Powertools adds to every metric. */
export const METRICS_NAMESPACE = 'Goldsmith';
export const METRICS_SERVICE = 'goldsmith';

export const metricNames = {
  /** start-builds: one per build started, dimension `trigger`. */
  buildsStarted: 'BuildsStartedByTrigger',
  /** Promotion outcomes, dimensions `channel` and `outcome`. */
  outcomes: 'ChannelOutcomes',
  /** Seconds from a build's AVAILABLE to its promotion into a channel, dimension `channel`. */
  availableToChannel: 'AvailableToChannelSeconds',
  /** Seconds from the month's Patch Tuesday to a promotion, dimension `channel` (the last one: patch day → prod). */
  patchDayToChannel: 'PatchDayToChannelSeconds',
  /** on-pipeline-disabled: Image Builder disabled a pipeline. */
  pipelineDisabled: 'PipelinesAutoDisabled',
  /** on-image-event (or the reconciler): Goldsmith's build circuit breaker paused an image's builds. */
  buildsPaused: 'BuildsPaused',
  /** Health gauges (every three hours): approvals waiting, and the oldest wait as a percentage of its timeout. */
  approvalsWaiting: 'ApprovalsWaiting',
  approvalWaitPercent: 'ApprovalWaitPercentOfTimeout',
  /** Health gauges per `image` and `channel`: builds the channel is behind, and days since it last moved. */
  channelLag: 'ChannelLagBuilds',
  channelAge: 'ChannelAgeDays',
  /** Health gauge: the oldest channel's age in days, over every image (what the stale-channel alarm watches). */
  oldestChannelAge: 'OldestChannelAgeDays',
  /**
   * The lifecycle sweep (daily): instances member accounts ran on revoked versions when EC2 last reported on them
   * (a revoked version is shared with nobody, so that last observation stands until the version is deleted).
   */
  instancesOnRevoked: 'InstancesOnRevokedVersions',
  /**
   * A chat sink's backlog: the seconds its oldest waiting post has waited (0 when none waits), dimension `sink`
   * (`Slack`, `Teams`, `Webhook`), emitted by every drain (each announcement the sink refused or queued, and its
   * three-hourly schedule: functions/sinks/relay.ts).
   */
  sinkBacklogAge: 'SinkBacklogAgeSeconds',
  /** Handler failures, counted by the middleware. */
  eventsFailed: 'EventsFailed',
  /**
   * The reconciler's daily pointer-share backstop: channel pointer shares found changed outside Goldsmith and put
   * back (functions/sharing/pointer-share-backstop.ts).
   */
  pointerSharesRepaired: 'PointerSharesRepaired',
  /**
   * The reconciler's audit of what AWS holds (functions/audit/): channel pointers, launch permissions and scheduled
   * revocations found changed outside Goldsmith (put back, carried out, or left for a person), one per finding.
   */
  driftFound: 'DriftFoundByAudit',
  /**
   * organization-sync: OU and account items a full read of the organization changed, i.e. changes no event had
   * brought (an event lost, or Organizations' events not reaching the bus: docs/organization.md).
   */
  organizationChangesMissed: 'OrganizationChangesFoundByFullRead',
  /** The dead-letter re-drive: invocations made again, and dead letters it left for a person. */
  deadLettersRedriven: 'DeadLettersRedriven',
  deadLettersLeft: 'DeadLettersLeft',
  /**
   * Ledger records a read refused, untouched, because a newer release wrote them (core/ledger/record-format.ts):
   * after a rollback, until the release that wrote them is deployed again.
   */
  recordsRefused: 'LedgerRecordsRefused',
  /** Dead letters the re-drive refused: no failure Goldsmith recorded matches them (never invoked). */
  deadLettersRefused: 'DeadLettersRefused',
} as const;

/** How often the health gauges are computed (EventBridge Scheduler rate expression). */
export const HEALTH_RATE = 'rate(3 hours)';
export const HEALTH_PERIOD_SECONDS = 3 * 3600;
