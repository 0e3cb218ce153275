import type { ServiceModels } from './load.js';
import {
  add,
  addAt,
  type Context,
  type Direction,
  enter,
  isRecord,
  leave,
  type ModelProblem,
  newContext,
  type SdkSchema,
  Step,
  wrongType,
} from './validate-context.js';
import { innerNode, Kind, keyNode, memberNode, operationNodes, rootNode, type ShapeNode } from './validate-nodes.js';
import { checkNumber, checkSize, checkString } from './validate-scalars.js';
import { checkSdkOnly } from './validate-sdk-schema.js';

/**
 * Checks one SDK v3 request input or response output against a service's published model: the operation exists;
 * every member is one the model names; required members are present; each value has the model's type (structure,
 * list, map, string, number, boolean, timestamp as Date, blob); and, where the botocore model has them, enum
 * values, string lengths, list and map sizes, numeric ranges and patterns. The botocore shape is followed in step
 * with the aws-sdk one, member by member, and only where both agree on the type. Responses are checked for members,
 * types and enum values, not lengths, ranges or patterns: AWS validates those on what it receives, and its own
 * output does not always meet them (an image's `version` reads `1.0.0/10`, with its build number, while the
 * model's VersionNumber pattern has none: https://docs.aws.amazon.com/imagebuilder/latest/userguide/tag-resources.html).
 *
 * The aws-sdk v2 models stopped at 2.1693.0 (2025); members AWS added since (Organizations' `Account.State`, EC2's
 * `DeregisterImage` result) are in the schema the installed SDK v3 client serializes with. A member or operation
 * missing from the published model but present in that schema is counted as newer than the model, not as a
 * violation, and is checked for member names against the SDK's schema alone.
 */

function checkStructure(ctx: Context, node: ShapeNode, value: Record<string, unknown>): void {
  for (const name of node.required) {
    if (value[name] === undefined || value[name] === null) {
      enter(ctx, Step.Member, name);
      add(ctx, 'required', 'required member is missing');
      leave(ctx);
    }
  }
  let set = 0;
  // Keys, not entries: one array per structure rather than one per member (every request and response walks here).
  for (const name of Object.keys(value)) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    set++;
    const member = memberNode(node, name);
    enter(ctx, Step.Member, name);
    if (member.kind === Kind.SdkOnly) {
      ctx.newer++;
      checkSdkOnly(ctx, member.sdk as SdkSchema, v);
    } else if (member.kind === Kind.Unknown) add(ctx, 'member', `the model has no member "${name}" here`);
    else checkValue(ctx, member, v);
    leave(ctx);
  }
  if (node.shape.union && set !== 1) add(ctx, 'union', `a union takes exactly one member; ${set} are set`);
}

function checkValue(ctx: Context, node: ShapeNode, value: unknown): void {
  switch (node.kind) {
    case Kind.Structure:
      if (!isRecord(value)) {
        wrongType(ctx, 'a structure', value);
        return;
      }
      checkStructure(ctx, node, value);
      return;
    case Kind.List: {
      if (!Array.isArray(value)) {
        wrongType(ctx, 'a list', value);
        return;
      }
      checkSize(ctx, value.length, node.c, 'list size');
      const item = innerNode(node);
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (v === undefined) continue;
        enter(ctx, Step.Item, i);
        checkValue(ctx, item, v);
        leave(ctx);
      }
      return;
    }
    case Kind.Map: {
      if (!isRecord(value)) {
        wrongType(ctx, 'a map', value);
        return;
      }
      const keys = Object.keys(value);
      let size = 0;
      for (const k of keys) if (value[k] !== undefined) size++;
      checkSize(ctx, size, node.c, 'map size');
      const key = keyNode(node);
      const inner = innerNode(node);
      for (const k of keys) {
        if (value[k] === undefined) continue;
        enter(ctx, Step.Key, k);
        checkValue(ctx, key, k);
        leave(ctx);
        enter(ctx, Step.Value, k);
        checkValue(ctx, inner, value[k]);
        leave(ctx);
      }
      return;
    }
    case Kind.String:
      if (typeof value !== 'string') {
        wrongType(ctx, 'a string', value);
        return;
      }
      checkString(ctx, value, node.strings);
      return;
    case Kind.Number:
      if (typeof value === 'bigint') return;
      if (typeof value !== 'number') {
        wrongType(ctx, 'a number', value);
        return;
      }
      checkNumber(ctx, value, node.type, node.c);
      return;
    case Kind.Boolean:
      if (typeof value !== 'boolean') wrongType(ctx, 'a boolean', value);
      return;
    case Kind.Timestamp:
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) wrongType(ctx, 'a Date', value);
      return;
    case Kind.Blob:
      if (!(value instanceof Uint8Array) && !(ctx.direction === 'request' && typeof value === 'string')) {
        wrongType(ctx, 'bytes', value);
      }
      return;
    default:
      return;
  }
}

export interface ModelCheckResult {
  readonly problems: ModelProblem[];
  /** Members checked only against the SDK's schema because the published model predates them. */
  readonly newerThanModel: number;
}

/**
 * Problems with `value` as the input (request) or output (response) of `operation`, per `models`. `sdk` is the
 * installed client's schema of the same input or output, when known. An operation neither has is a problem.
 */
export function checkAgainstModel(
  models: ServiceModels,
  operation: string,
  direction: Direction,
  value: Record<string, unknown>,
  sdk?: SdkSchema,
): ModelCheckResult {
  const ctx = newContext(models.api, models.constraints, direction);
  const op = operationNodes(models, operation, direction);
  if (!op) {
    if (sdk) {
      ctx.newer++;
      checkSdkOnly(ctx, sdk, value);
    } else addAt(ctx, '(operation)', 'operation', `${operation} is not an operation of this service`);
    return { problems: ctx.problems, newerThanModel: ctx.newer };
  }
  if (op.ref) checkValue(ctx, rootNode(op, op.ref, sdk), value);
  else if (sdk) checkSdkOnly(ctx, sdk, value);
  else {
    const set = Object.entries(value).filter(([, v]) => v !== undefined);
    if (set.length > 0) addAt(ctx, set[0]![0], 'member', `${operation} has no ${direction} members in the model`);
  }
  return { problems: ctx.problems, newerThanModel: ctx.newer };
}
