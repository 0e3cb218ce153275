/**
 * Why the audit's backstop reads are made, per operation: each reads what nothing in the run changed (minimum 0 in
 * `callPlanFigures`), on a schedule or because an event asked, and says here which run makes it and what it would
 * catch that no event announces. What the benchmark's call table prints beside them (call-minimum.ts).
 */
export const AUDIT_READ_REASONS: Readonly<Record<string, string>> = {
  'lambda:GetFunction':
    "the functions' full read-back every 28 days (functionSweepEvery): each Goldsmith function on its own (the account's listing would read every team's functions); the event history's reader and the functions' auditor every day (the only daily detector of a function's change, which could hide its own); and the one a Lambda call names (a trail's event, or the next day the event history)",
  'cloudtrail:LookupEvents':
    "the event history's daily read, one lookup of the write events per Region holding AMIs and in the home Region (a change made where no trail sends events to EventBridge is found the next day, so the full sweeps run every 28 days), 50 events a page",
  'ssm:GetParametersByPath':
    "what the deployment wrote, 10 a page, read by each daily audit: the functions' records, the roles' (a role's documents in parts) and the doors' policies",
  'iam:GetAccountAuthorizationDetails':
    "the roles' daily audit: every role at once, a page per 1,000 (IAM's events reach only us-east-1's bus)",
  'sns:ListSubscriptions':
    "the doors' hourly glance: the account's subscriptions in one call while they fit a page of 100 (an email's unsubscribe link emits no CloudTrail event)",
  'sns:ListSubscriptionsByTopic':
    "the doors' daily read of each topic's subscriptions, a changed topic's read-back, and the hourly glance's listing of each topic when the account holds more than a page",
  'sns:GetSubscriptionAttributes': "the doors' daily read of each confirmed subscription's filter policy",
  'eventbridge:ListRules':
    "the forwarding rules' read-back with the launch-permission sweep, one listing per Region of its rules (between, a rule's change reaches the audit as its event: a trail's, or the next day the event history's)",
  'eventbridge:DescribeRule':
    "the forwarding rules' read-back after a repair, one per rule-change event, and a Region's rule its listing did not settle",
  'eventbridge:ListTargetsByRule':
    "the forwarding rules' targets, with the launch-permission sweep and on a rule-change event",
  'sqs:GetQueueAttributes':
    "the doors' policies' daily read-back, one per queue (and one per policy-change event), and a drift's read after it is put back",
  'sns:GetTopicAttributes':
    "the doors' policies' daily read-back, one per topic (and one per policy-change event), and a drift's read after it is put back",
  'eventbridge:DescribeEventBus':
    "the doors' policies' daily read-back of the event bus's policy (and one per policy-change event)",
  's3:HeadObject':
    'the SBOM exports: a look before writing each document (a re-run writes nothing) and its read-back (S3 holds what was written)',
};
