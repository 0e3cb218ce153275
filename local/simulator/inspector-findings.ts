import type { BusEvent } from '../eventbridge/bus.js';
import type { InspectorFinding } from '../fakes/inspector2.js';
import type { LocalCloud } from './cloud.js';

/** An "Inspector2 Finding" event as a test or scenario writes it: the detail carries the finding's fields. */
interface InspectorFindingEvent extends BusEvent {
  readonly detail: Omit<InspectorFinding, 'firstObservedAt' | 'lastObservedAt'> & Record<string, unknown>;
}

/**
 * Inspector finds something on an instance: it holds the finding in the finding's Region (what ListFindings answers
 * there, with the cloud's time as first and last observed) and its "Inspector2 Finding" event reaches the
 * factory's default bus of that Region only: sent there when the factory is the organization's delegated
 * administrator (https://docs.aws.amazon.com/inspector/latest/user/findings-managing-automating-responses.html), else
 * forwarded there by the administrator's rule (docs/deploy/inspector-findings.md, set-up b). A finding outside the home Region reaches
 * on-finding only through the stacks' forwarding rules.
 */
export function raiseInstanceFinding(cloud: LocalCloud, event: InspectorFindingEvent): void {
  const at = new Date(cloud.clock.now());
  const d = event.detail;
  // What ListFindings answers: the finding's own fields, its times as the cloud's (the event writes them as text).
  cloud.installed.fakes.inspector2.record({
    findingArn: d.findingArn,
    awsAccountId: d.awsAccountId,
    severity: d.severity,
    status: d.status,
    type: d.type,
    title: d.title,
    description: typeof d.description === 'string' ? d.description : d.title,
    remediation: { recommendation: { text: 'None Provided' } },
    firstObservedAt: at,
    lastObservedAt: at,
    resources: d.resources.map((r) => ({
      id: r.id,
      type: r.type,
      ...(r.region ? { region: r.region } : {}),
      ...(r.details?.awsEc2Instance?.imageId
        ? { details: { awsEc2Instance: { imageId: r.details.awsEc2Instance.imageId } } }
        : {}),
    })),
    ...(d.packageVulnerabilityDetails
      ? {
          packageVulnerabilityDetails: {
            vulnerabilityId: d.packageVulnerabilityDetails.vulnerabilityId,
            source: d.packageVulnerabilityDetails.source,
            vulnerablePackages: d.packageVulnerabilityDetails.vulnerablePackages ?? [],
          },
        }
      : {}),
  });
  const region = d.findingArn.split(':')[3] || cloud.catalog.organization.homeRegion;
  cloud.bus.put({ ...event, region }, 'default', region);
}
