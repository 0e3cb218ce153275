import { add, type Context, enter, isRecord, leave, type SdkSchema, Step } from './validate-context.js';

// A NormalizedSchema builds new member and value schemas on every call; each schema's are made once here, so the
// same request shape met again walks the same (cached) objects.
const memberSchemas = new WeakMap<SdkSchema, Record<string, SdkSchema>>();
const valueSchemas = new WeakMap<SdkSchema, SdkSchema | undefined>();

export function sdkMembersOf(sdk: SdkSchema | undefined): Record<string, SdkSchema> {
  if (!sdk?.isStructSchema()) return {};
  let members = memberSchemas.get(sdk);
  if (!members) {
    members = sdk.getMemberSchemas();
    memberSchemas.set(sdk, members);
  }
  return members;
}

export function sdkValue(sdk: SdkSchema | undefined): SdkSchema | undefined {
  if (!sdk) return undefined;
  if (!valueSchemas.has(sdk))
    valueSchemas.set(sdk, sdk.isListSchema() || sdk.isMapSchema() ? sdk.getValueSchema() : undefined);
  return valueSchemas.get(sdk);
}

const SdkKind = { Document: 0, Structure: 1, List: 2, Map: 3, Other: 4 } as const;
type SdkKind = (typeof SdkKind)[keyof typeof SdkKind];

/** What the check reads of one SDK schema, asked of it once (each `is…Schema` call works it out again). */
interface SdkNode {
  readonly kind: SdkKind;
  readonly members: Record<string, SdkSchema>;
  readonly inner: SdkSchema | undefined;
}

const sdkNodes = new WeakMap<SdkSchema, SdkNode>();

function sdkNodeOf(sdk: SdkSchema): SdkNode {
  let node = sdkNodes.get(sdk);
  if (!node) {
    const kind = sdk.isDocumentSchema()
      ? SdkKind.Document
      : sdk.isStructSchema()
        ? SdkKind.Structure
        : sdk.isListSchema()
          ? SdkKind.List
          : sdk.isMapSchema()
            ? SdkKind.Map
            : SdkKind.Other;
    node = { kind, members: sdkMembersOf(sdk), inner: sdkValue(sdk) };
    sdkNodes.set(sdk, node);
  }
  return node;
}

/** Member names only, against the SDK's schema: for what the published model does not have yet. */
export function checkSdkOnly(ctx: Context, sdk: SdkSchema, value: unknown): void {
  const node = sdkNodeOf(sdk);
  if (node.kind === SdkKind.Structure && isRecord(value)) {
    for (const name of Object.keys(value)) {
      const v = value[name];
      if (v === undefined || v === null) continue;
      const member = node.members[name];
      enter(ctx, Step.Member, name);
      if (member) checkSdkOnly(ctx, member, v);
      else add(ctx, 'member', `neither the model nor the SDK's schema has a member "${name}" here`);
      leave(ctx);
    }
  } else if (node.kind === SdkKind.List && Array.isArray(value)) {
    const inner = node.inner;
    if (!inner) return;
    for (let i = 0; i < value.length; i++) {
      enter(ctx, Step.Item, i);
      checkSdkOnly(ctx, inner, value[i]);
      leave(ctx);
    }
  } else if (node.kind === SdkKind.Map && isRecord(value)) {
    const inner = node.inner;
    if (!inner) return;
    for (const k of Object.keys(value)) {
      enter(ctx, Step.Value, k);
      checkSdkOnly(ctx, inner, value[k]);
      leave(ctx);
    }
  }
}
