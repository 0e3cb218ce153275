import { DATA_TYPES, RETAINING, type StatefulInventory, type StatefulResource } from './stateful.js';

/**
 * The rules a release's stateful resources are held to against a recorded release (test/stacks/release.test.ts):
 * what deploying `next` over `previous` does to each, and what a failed deploy of it leaves for the retry.
 *
 * DeletionPolicy `RetainExceptOnCreate` "behaves like Retain for stack operations, except for the stack operation
 * that initially created the resource. If the stack operation that created the resource is rolled back,
 * CloudFormation deletes the resource." A resource `previous` holds was not created by the deploy of `next`: for it,
 * RetainExceptOnCreate retains as Retain does.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
 */

/** What the release-to-release comparison found for one resource. */
export interface StatefulChange {
  stack: string;
  logicalId: string;
  type: string;
  /** True when the change breaks the rule (the test fails on it). */
  breaking: boolean;
  message: string;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type At = Pick<StatefulChange, 'stack' | 'logicalId' | 'type'>;

/**
 * What decides a resource's replacement, as compared: a custom resource without an Update call keeps the physical id
 * its Create gave ("In onUpdate, you can omit this to passthrough it from request",
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources.AwsSdkCall.html), so an Update call added
 * later that answers the same id replaces nothing.
 */
function replacingOf(r: StatefulResource): Record<string, unknown> {
  const ids = r.replacing.physicalResourceIds;
  if (!Array.isArray(ids) || ids.length !== 2 || ids[1] !== null) return r.replacing;
  return { ...r.replacing, physicalResourceIds: [ids[0], ids[0]] };
}

/** What a deploy does to a resource both releases hold: replacement, retention, refused updates, a swapped role. */
function changed(at: At, before: StatefulResource, after: StatefulResource): StatefulChange[] {
  const changes: StatefulChange[] = [];
  const [was, will] = [replacingOf(before), replacingOf(after)];
  const keys = Object.keys({ ...was, ...will }).filter((key) => !same(was[key], will[key]));
  if (keys.length > 0)
    changes.push({
      ...at,
      breaking: true,
      message: `${keys.join(', ')} changes: CloudFormation replaces the resource (a new one, the old ${before.updateReplacePolicy === 'Retain' ? 'orphaned' : 'deleted'})`,
    });
  // Recorded from 0.2.0 on: an older fixture lacks them, and nothing is compared there.
  if (before.immutable !== undefined && after.immutable !== undefined) {
    const refused = Object.keys(before.immutable).filter((k) => !same(before.immutable?.[k], after.immutable?.[k]));
    if (refused.length > 0)
      changes.push({
        ...at,
        breaking: true,
        message: `${refused.join(', ')} changes: CloudFormation fails the update (a key's immutable properties: "the update request fails, regardless of the value of the UpdateReplacePolicy attribute")`,
      });
  }
  if (before.role !== undefined && after.role !== undefined && before.role !== after.role)
    changes.push({
      ...at,
      breaking: true,
      message: `its role changes from ${before.role} to ${after.role}: running executions keep the role they started with, which the deploy deletes`,
    });
  for (const [attribute, was, now] of [
    ['DeletionPolicy', before.deletionPolicy, after.deletionPolicy],
    ['UpdateReplacePolicy', before.updateReplacePolicy, after.updateReplacePolicy],
  ] as const) {
    if (was === now) continue;
    if (RETAINING.has(was) && !RETAINING.has(now))
      changes.push({ ...at, breaking: true, message: `${attribute} drops Retain (now ${now})` });
    else
      changes.push({
        ...at,
        breaking: false,
        message: `${attribute} ${was} → ${now} (no update to the resource${RETAINING.has(now) ? '; it existed before this deploy: retained' : ''})`,
      });
  }
  return changes;
}

/** The rules for a resource `next` holds, added or not: data retained; an added one safe to create again. */
function held(at: At, after: StatefulResource, added: boolean, retry: boolean): StatefulChange[] {
  const changes: StatefulChange[] = [];
  if (added) changes.push({ ...at, breaking: false, message: 'added: the deploy creates it' });
  // Shapes the check cannot follow (scripts/release/stateful.ts `conditionalShapes`): refused, each named.
  for (const shape of after.conditional ?? [])
    changes.push({
      ...at,
      breaking: true,
      message: `${shape}; the release check refuses conditions on stateful resources`,
    });
  // A failed deploy's rollback deletes what it created unless its DeletionPolicy is Retain: a retained resource with a
  // fixed name stays, and every retry of the deploy fails creating that name again ("already exists").
  if (retry && added && after.deletionPolicy === 'Retain' && after.fixedName !== undefined)
    changes.push({
      ...at,
      breaking: true,
      message: `new, DeletionPolicy Retain and the fixed name "${after.fixedName}": a failed deploy's rollback keeps it and every retry fails ("already exists"); use RetainExceptOnCreate (RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)`,
    });
  if (DATA_TYPES.has(after.type)) {
    const notRetained = [
      !RETAINING.has(after.deletionPolicy) ? `DeletionPolicy ${after.deletionPolicy}` : '',
      after.updateReplacePolicy !== 'Retain' ? `UpdateReplacePolicy ${after.updateReplacePolicy}` : '',
    ].filter(Boolean);
    if (notRetained.length > 0)
      changes.push({ ...at, breaking: true, message: `holds data but is not retained: ${notRetained.join(', ')}` });
  }
  return changes;
}

/**
 * What deploying `next` over `previous` does to each stateful resource: removed, replaced, retention dropped, an
 * immutable property changed, a state machine's role swapped (all breaking), or added / updated in place (reported,
 * not breaking). A data resource in `next` that is not retained is breaking too, added or not, and so is any resource
 * of `next` whose existence, name or role hangs on a condition (`Condition`, `Fn::If`); so is a resource
 * `next` adds with DeletionPolicy Retain and a fixed physical name (a failed deploy could not be retried), unless
 * `previous` is a release older than the newest recorded (`olderRelease`): what was added since was held to that
 * rule against the release that added it.
 */
export function compareStateful(
  previous: StatefulInventory,
  next: StatefulInventory,
  options: { olderRelease?: boolean } = {},
): StatefulChange[] {
  const changes: StatefulChange[] = [];
  for (const [stack, resources] of Object.entries(previous)) {
    for (const [logicalId, before] of Object.entries(resources)) {
      const after = next[stack]?.[logicalId];
      const at = { stack, logicalId, type: before.type };
      if (after === undefined) {
        const kept = RETAINING.has(before.deletionPolicy);
        changes.push({
          ...at,
          breaking: true,
          message: `removed: the deploy ${kept ? 'orphans it (Retain): nothing manages it any more' : 'deletes it'} (a changed logical id or a removed resource)`,
        });
      } else if (after.type !== before.type) {
        changes.push({ ...at, breaking: true, message: `type changes to ${after.type}: the deploy replaces it` });
      } else changes.push(...changed(at, before, after));
    }
  }
  for (const [stack, resources] of Object.entries(next))
    for (const [logicalId, after] of Object.entries(resources))
      changes.push(
        ...held(
          { stack, logicalId, type: after.type },
          after,
          previous[stack]?.[logicalId] === undefined,
          options.olderRelease !== true,
        ),
      );
  return changes;
}

/** One line per change: `stack logicalId (Type): message`. */
export function describeChange(change: StatefulChange): string {
  return `${change.stack} ${change.logicalId} (${change.type}): ${change.message}`;
}
