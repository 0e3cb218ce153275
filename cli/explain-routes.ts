import { SOURCES } from '../events/sources.js';
import { matchesPattern } from '../local/eventbridge/match.js';
import type { CfnTemplate, TemplateResolver } from '../local/simulator/intrinsics.js';
import type { Wiring } from '../local/simulator/wiring.js';

/** One way an input reaches our code: an EventBridge rule, a Scheduler schedule or an SNS subscription. */
export interface Route {
  /** Readable name: the logical id without CDK's hash suffix (`ImageStateChangeRule`). */
  name: string;
  /** The logical id in the synthesized template (`ImageStateChangeRule7AB5366C`), or the topic for SNS. */
  id: string;
  via: 'rule' | 'schedule' | 'subscription';
  /** The bus a rule listens on (`default` or Goldsmith's own). */
  bus?: string;
  /** Target functions by name (`on-image-event`), as their handler paths say. */
  targets: string[];
}

/** `ImageStateChangeRule7AB5366C` → `ImageStateChangeRule`: CDK appends 8 upper-case hex digits to logical ids. */
export function readableName(logicalId: string): string {
  return logicalId.replace(/(?<=.)[0-9A-F]{8}$/, '');
}

/** `functions/promotion/gate.handler` → `gate`; unknown ARNs keep their ARN. */
function targetName(wiring: Wiring, arn: string): string {
  const handler = wiring.functions.get(arn)?.handler;
  return handler === undefined ? arn : (handler.split('/').pop() ?? handler).replace(/\.[^.]+$/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The rules (and, for inputs that arrive without EventBridge, the schedules and subscriptions) that would deliver
 * `raw`. Our own events (source `goldsmith`) are put on Goldsmith's bus, AWS's on the default bus.
 */
export function routesFor(raw: unknown, wiring: Wiring, home?: string): Route[] {
  if (!isRecord(raw)) return [];
  const targets = (arns: readonly string[]) => arns.map((arn) => targetName(wiring, arn));
  if ('source' in raw || 'detail-type' in raw) {
    const ours = raw.source === SOURCES.goldsmith || raw.source === SOURCES.ci;
    const matching = wiring.rules.filter(
      (rule) => (rule.eventBusName !== 'default') === ours && matchesPattern(rule.pattern, raw),
    );
    // A rule sees only the events put on its own Region's bus; a rule forwarding to another bus brings the event
    // home unchanged, where the home rules see it too. An event from a Region where the stacks make no rule (AWS's
    // samples come from anywhere) is read as delivered at home.
    const ruled = wiring.rules.some((rule) => rule.region !== undefined && rule.region === raw.region);
    const origin = ruled ? raw.region : home;
    const inRegion = (rule: (typeof matching)[number]) => (rule.region ?? home) === origin;
    const forwarded = matching.some((r) => inRegion(r) && r.targets.some((t) => t.includes(':event-bus/')));
    return matching
      .filter((rule) => inRegion(rule) || (forwarded && (rule.region ?? home) === home))
      .map((rule) => ({
        name: readableName(rule.name),
        id: rule.name,
        via: 'rule',
        bus: rule.eventBusName,
        targets: targets(rule.targets),
      }));
  }
  if (Array.isArray(raw.Records)) {
    const topics = new Set(raw.Records.map((r) => (isRecord(r) && isRecord(r.Sns) ? r.Sns.TopicArn : undefined)));
    return wiring.subscriptions
      .filter((s) => topics.has(s.topicArn))
      .map((s) => ({
        name: `sns:${s.topicArn.split(':').pop() ?? s.topicArn}`,
        id: s.topicArn,
        via: 'subscription',
        targets: targets([s.targetArn]),
      }));
  }
  // A Scheduler input is the schedule's fixed Input with the fire time filled in: match it on everything else.
  return wiring.schedules
    .filter((s) => s.enabled && s.input !== undefined && sameScheduleInput(s.input, raw))
    .map((s) => ({ name: readableName(s.name), id: s.name, via: 'schedule', targets: targets([s.targetArn]) }));
}

function sameScheduleInput(input: string, raw: Record<string, unknown>): boolean {
  let template: unknown;
  try {
    template = JSON.parse(input);
  } catch {
    return false;
  }
  if (!isRecord(template)) return false;
  const keys = new Set([...Object.keys(template), ...Object.keys(raw)]);
  return [...keys].every((key) => {
    const expected = template[key];
    const placeholder = typeof expected === 'string' && /^<aws\.scheduler\.[a-z-]+>$/.test(expected);
    return placeholder ? key in raw : expected === raw[key];
  });
}

/**
 * Image Builder image names of our pipelines' recipes → catalog image. A build ARN carries the recipe name in
 * lower case; the pipeline is `goldsmith-<image>`, so the image is read off the pipeline that uses the recipe.
 */
export function recipesOf(
  templates: readonly CfnTemplate[],
  resolver: TemplateResolver,
  pipelineImages: ReadonlyMap<string, string>,
): Map<string, string> {
  const resources = Object.assign({}, ...templates.map((t) => t.Resources ?? {})) as NonNullable<
    CfnTemplate['Resources']
  >;
  const recipes = new Map<string, string>();
  for (const pipeline of Object.values(resources)) {
    if (pipeline.Type !== 'AWS::ImageBuilder::ImagePipeline') continue;
    const image = pipelineImages.get(String(resolver.resolve(pipeline.Properties?.Name)));
    const ref = (pipeline.Properties?.ImageRecipeArn ?? pipeline.Properties?.ContainerRecipeArn) as
      | { Ref?: string; 'Fn::GetAtt'?: [string, string] }
      | undefined;
    const recipeId = ref?.Ref ?? ref?.['Fn::GetAtt']?.[0];
    const name = recipeId === undefined ? undefined : resources[recipeId]?.Properties?.Name;
    if (image !== undefined && name !== undefined) recipes.set(String(resolver.resolve(name)).toLowerCase(), image);
  }
  return recipes;
}
