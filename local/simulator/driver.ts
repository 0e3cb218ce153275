import { createHash } from 'node:crypto';
import { channelParameterName, pointerShareName } from '../../core/names.js';
import { nextCron } from '../../core/schedule/index.js';
import { LOCAL_ACCOUNT, type LocalCloud } from './cloud.js';
import { instanceStateAction } from './fleet-instances.js';
import { teamDeployAction } from './fleet-shapes.js';
import { performOutsideChange } from './outside-change.js';
import type { Scenario, ScenarioAction, ScenarioEvent } from './scenario.js';
import { organizationChangeOf } from './scenario-organization.js';
import { ciPackageUpdate, type RawPut } from './senders.js';

const AMAZON_LINUX_PARAMETER_PREFIX = '/aws/service/ami-amazon-linux-latest/';

/** Scheduler's `<aws.scheduler.scheduled-time>` context attribute, as Scheduler renders it. */
function scheduledTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function rateMillis(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) return undefined;
  const unit = m[2]!.startsWith('minute') ? 60_000 : m[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
  return Number(m[1]) * unit;
}

/** Every time a schedule fires in [start, until), per its cron or rate expression and time zone. */
export function fireTimes(expression: string, timezone: string, start: Date, until: Date): Date[] {
  const times: Date[] = [];
  const rate = rateMillis(expression);
  if (rate !== undefined) {
    for (let t = start.getTime() + rate; t < until.getTime(); t += rate) times.push(new Date(t));
    return times;
  }
  if (expression.startsWith('at(')) {
    const at = new Date(`${expression.slice(3, -1)}Z`);
    return at >= start && at < until ? [at] : [];
  }
  let t = nextCron(expression, timezone, new Date(start.getTime() - 1));
  while (t < until) {
    times.push(t);
    t = nextCron(expression, timezone, t);
  }
  return times;
}

/**
 * Puts every schedule's invocations in [from, until) on the clock (by default the scenario's whole span), each
 * delivered as at-least-once as the scenario says. Each is plain data a saved cloud arms again (`armSchedule`).
 */
export function scheduleTriggers(
  cloud: LocalCloud,
  scenario: Scenario,
  from = Date.parse(scenario.start),
  until = Date.parse(scenario.until),
): number {
  let count = 0;
  for (const schedule of cloud.wiring.schedules.filter((s) => s.enabled)) {
    for (const at of fireTimes(schedule.expression, schedule.timezone, new Date(scenario.start), new Date(until))) {
      if (at.getTime() < from) continue;
      count++;
      armSchedule(cloud, schedule.name, at.getTime());
    }
  }
  return count;
}

/** One run of the stacks' schedule `name` at `at`. */
export function armSchedule(cloud: LocalCloud, name: string, at: number): void {
  const schedule = cloud.wiring.schedules.find((s) => s.name === name);
  if (!schedule) throw new Error(`the stacks define no schedule ${name}`);
  const when = new Date(at);
  cloud.clock.schedule(
    at,
    `schedule ${schedule.name}`,
    () => {
      const input = (schedule.input ?? '{}').replaceAll('<aws.scheduler.scheduled-time>', scheduledTime(when));
      cloud.invoker.deliverRepeatedly(schedule.targetArn, JSON.parse(input), `schedule ${schedule.name}`);
    },
    { kind: 'schedule', data: { name } },
  );
}

/** A CodeArtifact "Package Version State Change" event, as AWS documents it, for a published version. */
function packagePublished(cloud: LocalCloud, pkg: string, version: string) {
  const region = cloud.catalog.organization.homeRegion;
  const revision = createHash('sha256').update(`${pkg}@${version}`).digest('hex').slice(0, 32).toUpperCase();
  return {
    version: '0',
    id: createHash('sha256').update(`event:${pkg}@${version}`).digest('hex').slice(0, 36),
    'detail-type': 'CodeArtifact Package Version State Change',
    source: 'aws.codeartifact',
    account: '123456789012',
    time: scheduledTime(cloud.clock.date()),
    region,
    resources: [`arn:aws:codeartifact:${region}:123456789012:package/golden/os-packages/generic//${pkg}`],
    detail: {
      domainName: 'golden',
      domainOwner: '123456789012',
      repositoryName: 'os-packages',
      repositoryAdministrator: '123456789012',
      packageFormat: 'generic',
      packageNamespace: null,
      packageName: pkg,
      packageVersion: version,
      packageVersionState: 'Published',
      packageVersionRevision: revision,
      changes: { assetsAdded: 1, assetsRemoved: 0, metadataUpdated: true, assetsUpdated: 0, statusChanged: true },
      operationType: 'Created',
      sequenceNumber: 1,
      eventDeduplicationId: revision,
    },
  };
}

/** AWS's Amazon Linux AMI-update notice, delivered to subscribed functions as an SNS Lambda event. */
function amazonLinuxNotice(topicArn: string, at: Date, imageVersion: string) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:00000000-0000-4000-8000-000000000000`,
        Sns: {
          Type: 'Notification',
          MessageId: createHash('sha256').update(`${topicArn}${imageVersion}`).digest('hex').slice(0, 36),
          TopicArn: topicArn,
          Subject: null,
          Message: JSON.stringify({ v1: { ReleaseVersion: '2023', ImageVersion: imageVersion } }),
          Timestamp: at.toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/local.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

export interface ActionHandlers {
  /** A raw event, or CI's package update, put on a bus as its sender (the bus policy decides). */
  put(put: RawPut): Promise<void>;
  approve(action: Extract<ScenarioAction, { kind: 'approve' | 'reject' }>, filter: ScenarioEvent['filter']): void;
  letExpire(filter: ScenarioEvent['filter']): void;
  /**
   * Sends an operator request through the operator endpoint as `principal` (default: the first operator); a refusal
   * of the scenario's own request (no `id`) becomes a note.
   */
  operator(request: Record<string, unknown>, principal: string | undefined, id?: string): Promise<unknown>;
  cve(action: Extract<ScenarioAction, { kind: 'cve' }>): void;
}

/** Carries out one scenario action at the current virtual instant. */
export function runAction(
  cloud: LocalCloud,
  event: ScenarioEvent,
  handlers: ActionHandlers,
): undefined | Promise<unknown> {
  const action = event.action;
  const { imagebuilder, ssm } = cloud.installed.fakes;
  if ('event' in action) return handlers.put(action);
  switch (action.kind) {
    case 'base-image-release': {
      const regions = action.region
        ? [action.region]
        : [...new Set(Object.values(cloud.catalog.images).flatMap((i) => i.regions))];
      for (const region of regions) ssm.bumpPublicParameter(action.parameter, region);
      if (action.parameter.startsWith(`${AMAZON_LINUX_PARAMETER_PREFIX}al2023`)) {
        const at = cloud.clock.date();
        const version = `2023.9.${at.toISOString().slice(0, 10).replaceAll('-', '')}.0`;
        for (const sub of cloud.wiring.subscriptions.filter((s) =>
          s.topicArn.endsWith(':amazon-linux-2023-ami-updates'),
        )) {
          cloud.invoker.deliverRepeatedly(sub.targetArn, amazonLinuxNotice(sub.topicArn, at, version), 'sns al2023');
        }
      }
      return;
    }
    case 'package-release': {
      imagebuilder.releasePackage(action.package, action.version);
      const raw = packagePublished(cloud, action.package, action.version);
      cloud.bus.put(raw, 'default');
      return;
    }
    case 'vulnerability':
      imagebuilder.publishVulnerability({
        id: action.id,
        package: action.package,
        fixedIn: action.fixedIn,
        severity: action.severity,
      });
      return;
    case 'build-fails':
      imagebuilder.failNext(action.image, action.reason, action.count);
      return;
    case 'handler-fails':
      cloud.invoker.failNext(action.function, action.times, action.error);
      return;
    case 'findings':
      imagebuilder.setFindings(action.image, { critical: action.critical, high: action.high, medium: action.medium });
      return;
    case 'approve':
    case 'reject':
      handlers.approve(action, event.filter);
      return;
    case 'revoke':
      return handlers.operator(
        {
          action: 'revoke',
          image: action.image,
          version: action.version,
          reason: action.reason,
          ...(action.withdraw !== false && { withdraw: true }),
        },
        action.as,
      );
    case 'build':
      return handlers.operator(
        { action: 'build', image: action.image, ...(action.reason ? { reason: action.reason } : {}) },
        undefined,
      );
    case 'operator':
      return handlers.operator(action.request, action.as, action.id);
    case 'ci-package-update':
      // CI publishes the version to the repository the builds install from, then announces it.
      imagebuilder.releasePackage(action.package, action.version);
      return handlers.put({ event: ciPackageUpdate(cloud, action), as: action.as, bus: 'goldsmith' });
    case 'rollback':
      return handlers.operator(
        {
          action: 'rollback',
          image: action.image,
          channel: action.channel,
          ...(action.version ? { version: action.version } : {}),
          ...(action.reason ? { reason: action.reason } : {}),
        },
        action.as,
      );
    case 'cve':
      handlers.cve(action);
      return;
    case 'organization': {
      const events = cloud.installed.fakes.organizations.change(organizationChangeOf(action), cloud.clock.iso());
      // On the default bus of the Region CloudTrail records Organizations in (US East (N. Virginia)).
      if (!action.dropEvent) for (const event of events) cloud.bus.put(event, 'default', event.region);
      return;
    }
    case 'pointer-share': {
      const entity =
        action.principal ??
        `arn:aws:ssm:${action.region}:${LOCAL_ACCOUNT}:parameter${channelParameterName(action.image ?? '', action.channel)}`;
      cloud.installed.fakes.ram.disassociateOutside(action.region, pointerShareName(action.channel), entity);
      return;
    }
    case 'outside-change':
      return performOutsideChange(cloud, action);
    case 'team-deploy':
      return teamDeployAction(cloud, action);
    case 'instance-state':
      return instanceStateAction(cloud, action);
    case 'let-expire':
      handlers.letExpire({
        image: action.image ?? event.filter.image,
        channel: action.channel ?? event.filter.channel,
      });
      return;
  }
}
