import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { TransientError } from '../../core/errors/classify.js';
import { metricNames } from '../../core/observability/metrics.js';
import type { OutsideChangeEvent } from '../../events/outside-change.js';
import { metrics } from '../lib/powertools.js';
import { promotionPlans } from '../promotion/plans.js';
import { auditLaunchPermissions } from './launch-permissions.js';
import type { Plan } from './launch-repair.js';
import { auditPointerPolicies } from './pointer-policies.js';
import { auditChannelPointers } from './pointers.js';
import { type AuditPart, emptyPart } from './report.js';
import { auditForwardingRules, wantedForwardingRules } from './rules.js';

/** The parameter names of channel pointers: `/goldsmith/<image>/<channel>`. */
const POINTER = /^\/goldsmith\/([^/]+)\/([^/]+)$/;

/**
 * A targeted read-back: the one resource an outside change's event names, read from AWS and put back as the full
 * sweep would (the same parts, narrowed), within minutes of the change instead of at the next sweep. The event only
 * says where to look; what is put back comes from the ledger and the stacks, as in the sweep. An event about
 * something that is not Goldsmith's reads nothing.
 * - a channel pointer's Parameter Store Change: that pointer in the event's Region (one GetParameters);
 * - a call on a forwarding rule (findings', outside changes'): that rule in the event's Region;
 * - ModifyImageAttribute / ResetImageAttribute: that AMI, if it is a live version's;
 * - PutResourcePolicy / DeleteResourcePolicy on a parameter: that pointer's resource policies, if a channel's share
 *   holds it (one GetResourcePolicies; a foreign policy is deleted as the sweep does).
 */
export async function readBackOutsideChange(
  event: OutsideChangeEvent,
  plans: readonly (Plan & { regions: readonly string[] })[],
  now: Date,
): Promise<AuditPart & { subject: string }> {
  switch (event.source) {
    case 'aws.ssm': {
      if ('eventName' in event.detail) {
        // A resource policy put on or taken off a parameter: that pointer's policies, if a held share holds it.
        const parameterArn = event.detail.requestParameters.resourceArn;
        const region = parameterArn.split(':')[3] ?? event.region;
        const part = await auditPointerPolicies(plans, now, { region, parameterArn });
        return { subject: `the resource policies of ${parameterArn}`, ...part };
      }
      const [, image, channel] = POINTER.exec(event.detail.name) ?? [];
      const mine = plans
        .filter((p) => p.image === image)
        .map((p) => ({ ...p, channels: p.channels.filter((c) => c.name === channel) }));
      const part = mine.length > 0 ? await auditChannelPointers(mine, now, event.region) : emptyPart();
      return { subject: event.detail.name, ...part };
    }
    case 'aws.events': {
      const name = event.detail.requestParameters?.name ?? event.detail.requestParameters?.rule ?? '';
      const region = event.detail.awsRegion ?? event.region;
      const named = wantedForwardingRules().filter((rule) => rule.name === name);
      const part = named.length > 0 ? await auditForwardingRules(now, [region], named) : emptyPart();
      return { subject: `rule ${name} in ${region}`, ...part };
    }
    case 'aws.ec2': {
      const ami = event.detail.requestParameters?.imageId ?? '';
      return { subject: ami, ...(await auditLaunchPermissions(plans, now, undefined, new Set([ami]))) };
    }
  }
}

/**
 * An outside change's event (OutsideChangeRule): the one resource it names is read back now and put back if it
 * drifted; a failure fails the invocation, so Lambda retries it and the next sweep remains the backstop.
 */
export async function readBackChange(
  event: OutsideChangeEvent,
): Promise<Awaited<ReturnType<typeof readBackOutsideChange>>> {
  const part = await readBackOutsideChange(event, Object.values(promotionPlans()), new Date());
  metrics.addMetric(metricNames.driftFound, MetricUnit.Count, part.findings.length);
  if (part.failures.length > 0) {
    const message = `read-back of ${part.subject}: ${part.failures.join('; ')}`;
    throw part.permanentFailures === 0 ? new TransientError(message) : new Error(message);
  }
  return part;
}
