import type { StackStatus } from '@aws-sdk/client-cloudformation';
import { stackState } from '../../core/preflight/stack-status.js';
import type { StatefulInventory } from './stateful.js';

/**
 * A small model of what CloudFormation does to a stage's stacks when a deploy fails half-way and is run again: which
 * resources a rolled-back operation leaves behind and whether the retry can create its fixed names again. It follows
 * the resources a release records (scripts/release/stateful.ts: every retained one, the stateful and pinned ones),
 * which are the ones a rollback can leave behind. AWS's pages it follows (docs/aws-behaviours.md, "CloudFormation"):
 * - UpdateStack / CreateStack create the new resources and update the changed ones (here in template order: one
 *   order CloudFormation's dependency order may take), then delete what the template dropped unless it is retained.
 * - A failed operation rolls back: the changed resources return to the previous template and "newly created
 *   resources are deleted when the operation rolls back" only when the request sets RetainExceptOnCreate, default
 *   false (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html): a new resource
 *   with DeletionPolicy Retain stays, outside any stack. RetainExceptOnCreate (the attribute) "behaves like Retain
 *   for stack operations, except for the stack operation that initially created the resource", which deletes it
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
 * - A rolled-back update ends UPDATE_ROLLBACK_COMPLETE, a rolled-back create ROLLBACK_COMPLETE, which "can not be
 *   updated" (core/preflight/stack-status.ts).
 * - A fixed name is unique per type in an account and Region ("Resource names must be unique"): creating one that
 *   exists fails ("already exists").
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html
 */

/** One resource of a template, as the model reads it. */
export interface ModelResource {
  type: string;
  deletionPolicy: string;
  /** The fixed physical name (`${AWS::StackName}` … as the template builds it); absent: generated at each create. */
  fixedName?: string;
  /** What an update compares: another value is an update in place. */
  signature: string;
}

/** A stack's template: logical id → resource, in template order. */
export type ModelTemplate = Record<string, ModelResource>;

interface ModelStack {
  status: StackStatus;
  resources: ModelTemplate;
}

/** Where a deploy fails: the resource whose create or update fails. */
export interface Failure {
  stack: string;
  logicalId: string;
}

/** The model's templates from a release's inventory (a recorded fixture, or synthesized templates'). */
export function modelTemplates(inventory: StatefulInventory): Map<string, ModelTemplate> {
  const templates = new Map<string, ModelTemplate>();
  for (const [stack, resources] of Object.entries(inventory)) {
    const template: ModelTemplate = {};
    for (const [id, r] of Object.entries(resources))
      template[id] = {
        type: r.type,
        deletionPolicy: r.deletionPolicy,
        ...(r.fixedName === undefined ? {} : { fixedName: r.fixedName }),
        signature: JSON.stringify([r.replacing, r.immutable, r.role, r.updateReplacePolicy]),
      };
    templates.set(stack, template);
  }
  return templates;
}

/** One account and Region: its stacks, and every fixed name taken (by a stack's resource, or left behind). */
export class ModelAccount {
  readonly stacks = new Map<string, ModelStack>();
  /** `Type name` → who holds it: `stack logicalId`, or `retained from stack logicalId` (outside any stack). */
  readonly names = new Map<string, string>();
  /** What happened, one line per event (`stack logicalId: created`). */
  readonly events: string[] = [];

  constructor(
    readonly region = 'eu-west-1',
    readonly accountId = '123456789012',
  ) {}

  private nameKey(stack: string, r: ModelResource): string | undefined {
    if (r.fixedName === undefined) return undefined;
    const name = r.fixedName
      .replaceAll(`\${AWS::StackName}`, stack)
      .replaceAll(`\${AWS::Region}`, this.region)
      .replaceAll(`\${AWS::AccountId}`, this.accountId);
    return `${r.type} ${name}`;
  }

  /** Removes a resource from its stack: deleted (its name freed) or, retained, left in the account. */
  private remove(stack: string, id: string, r: ModelResource, retain: boolean, why: string): void {
    const key = this.nameKey(stack, r);
    if (retain) {
      if (key !== undefined) this.names.set(key, `retained from ${stack} ${id}`);
      this.events.push(`${stack} ${id}: ${why}, retained (DeletionPolicy ${r.deletionPolicy})`);
    } else {
      if (key !== undefined) this.names.delete(key);
      this.events.push(`${stack} ${id}: ${why}, deleted`);
    }
  }

  /**
   * CreateStack when `stack` does not exist, UpdateStack otherwise, failing when it reaches `failAt` (a logical id:
   * its create, or its update, which the recorded properties may not show, as a StackSet's template). Returns the
   * stack's status after the operation; refuses a stack that is not settled, as CloudFormation does.
   */
  deploy(stack: string, template: ModelTemplate, failAt?: string): { status: StackStatus; failed: boolean } {
    const current = this.stacks.get(stack);
    if (current !== undefined && stackState(current.status).kind !== 'settled')
      throw new Error(`ValidationError: Stack ${stack} is in ${current.status} state and can not be updated`);
    const previous = current?.resources ?? {};
    const created: string[] = [];
    const updated: string[] = [];
    let failed: string | undefined;
    for (const [id, r] of Object.entries(template)) {
      const before = previous[id];
      if (id === failAt) {
        failed = `${stack} ${id}: ${before === undefined ? 'create' : 'update'} failed`;
        break;
      }
      if (before !== undefined && before.signature === r.signature && before.deletionPolicy === r.deletionPolicy)
        continue;
      if (before !== undefined) {
        updated.push(id);
        continue;
      }
      const key = this.nameKey(stack, r);
      const holder = key === undefined ? undefined : this.names.get(key);
      if (key !== undefined && holder !== undefined) {
        failed = `${stack} ${id}: create failed: ${key} already exists (${holder})`;
        break;
      }
      if (key !== undefined) this.names.set(key, `${stack} ${id}`);
      created.push(id);
      this.events.push(`${stack} ${id}: created`);
    }
    if (failed !== undefined) {
      this.events.push(failed);
      // Rollback: updates undone, and what this operation created deleted unless its DeletionPolicy is Retain.
      for (const id of created.reverse()) {
        const r = template[id]!;
        this.remove(stack, id, r, r.deletionPolicy === 'Retain', 'created by the failed operation, rolled back');
      }
      for (const id of updated) this.events.push(`${stack} ${id}: update rolled back`);
      const status = current === undefined ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE';
      this.stacks.set(stack, { status, resources: previous });
      return { status, failed: true };
    }
    for (const [id, r] of Object.entries(previous))
      if (template[id] === undefined)
        this.remove(
          stack,
          id,
          r,
          r.deletionPolicy === 'Retain' || r.deletionPolicy === 'RetainExceptOnCreate',
          'dropped',
        );
    for (const id of updated) this.events.push(`${stack} ${id}: updated`);
    const dropped = Object.keys(previous).some((id) => template[id] === undefined);
    // "No updates are to be performed": an unchanged stack keeps its status.
    const status =
      current === undefined
        ? 'CREATE_COMPLETE'
        : created.length + updated.length > 0 || dropped
          ? 'UPDATE_COMPLETE'
          : current.status;
    this.stacks.set(stack, { status, resources: template });
    return { status, failed: false };
  }

  /**
   * `sst deploy` of a stage: every stack in order (the order the app lists them, its dependencies' order), stopping at
   * the first that fails. Returns each stack's status after it.
   */
  deployStage(templates: ReadonlyMap<string, ModelTemplate>, failure?: Failure): Map<string, StackStatus> {
    const statuses = new Map<string, StackStatus>();
    for (const [stack, template] of templates) {
      const { status, failed } = this.deploy(stack, template, failure?.stack === stack ? failure.logicalId : undefined);
      statuses.set(stack, status);
      if (failed) break;
    }
    return statuses;
  }
}
