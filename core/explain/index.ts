import type { ParsedEvent } from '../../events/registry.js';
import type { ExplainFacts, ExplainTarget } from './context.js';
import { describeCveDetected, describeImageStateChange, describeInspectorFinding } from './promotion.js';
import { describeAmiUpdate, describeTrigger } from './triggers.js';

export type { ExplainFacts, ExplainTarget } from './context.js';

/** What on-pipeline-disabled would do: it knows our pipelines by the ARN prefix in its environment. */
function describePipelineDisabled(
  facts: ExplainFacts,
  target: ExplainTarget,
  event: Extract<ParsedEvent, { kind: 'image-pipeline-auto-disabled' }>['event'],
): string[] {
  const [pipelineArn] = event.resources;
  // Stryker disable next-line StringLiteral: any text no pipeline ARN starts with ignores every pipeline, as no prefix does
  const prefix = target.environment.PIPELINE_ARN_PREFIX ?? '';
  const image = prefix && pipelineArn.startsWith(prefix) ? pipelineArn.slice(prefix.length) : undefined;
  if (image === undefined || !(image in facts.catalog.images)) {
    return [`would ignore it: ${pipelineArn} is not one of our pipelines`];
  }
  const failures = event.detail['consecutive-failures'];
  return [`would record and announce that the pipeline of ${image} was disabled after ${failures} failed builds`];
}

/**
 * What one function would do with a parsed event, as short "would …" lines, without calling anything. The same
 * decisions the function makes, from the same core logic; what only AWS knows (ledger, GetImage) is assumed empty
 * or read off the build's name.
 */
export function describeActions(facts: ExplainFacts, target: ExplainTarget, parsed: ParsedEvent): string[] {
  switch (target.handler) {
    case 'start-builds':
      if (parsed.kind === 'amazon-linux-ami-update') {
        return describeAmiUpdate(facts.catalog, { topicArns: parsed.event.Records.map((r) => r.Sns.TopicArn) });
      }
      if (
        parsed.kind === 'scheduled-build' ||
        parsed.kind === 'base-image-changed' ||
        parsed.kind === 'package-version-state-change' ||
        parsed.kind === 'package-update' ||
        parsed.kind === 'image-promoted' ||
        parsed.kind === 'image-rebuild-requested'
      ) {
        return describeTrigger(facts.catalog, parsed);
      }
      break;
    case 'on-image-event':
      if (parsed.kind === 'image-state-change') return describeImageStateChange(facts, parsed.event);
      break;
    case 'on-finding':
      if (parsed.kind === 'image-cve-detected') return describeCveDetected(facts, parsed.event);
      if (parsed.kind === 'inspector-finding') return describeInspectorFinding(parsed.event);
      break;
    case 'on-lifecycle-request':
      if (parsed.kind === 'image-revoked') {
        const d = parsed.event.detail;
        if (!(d.image in facts.catalog.images)) return [`would refuse it: ${d.image} is not a catalog image`];
        return [
          `would revoke ${d.image} ${d.version} (${d.reason}): deprecate its AMIs now, roll every channel pointer that names it back to the newest earlier launchable version (or withdraw it), flag its children and rebuild those following a rolled-back channel`,
        ];
      }
      break;
    case 'on-pipeline-disabled':
      if (parsed.kind === 'image-pipeline-auto-disabled') return describePipelineDisabled(facts, target, parsed.event);
      break;
  }
  return [`would reject it: ${target.handler} does not act on ${parsed.kind} events`];
}
