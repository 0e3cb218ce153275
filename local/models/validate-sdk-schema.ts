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

/** Member names only, against the SDK's schema: for what the published model does not have yet. */
export function checkSdkOnly(ctx: Context, sdk: SdkSchema, value: unknown): void {
  if (sdk.isDocumentSchema()) return;
  if (sdk.isStructSchema() && isRecord(value)) {
    const members = sdkMembersOf(sdk);
    for (const [name, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      const member = members[name];
      enter(ctx, Step.Member, name);
      if (member) checkSdkOnly(ctx, member, v);
      else add(ctx, 'member', `neither the model nor the SDK's schema has a member "${name}" here`);
      leave(ctx);
    }
  } else if (sdk.isListSchema() && Array.isArray(value)) {
    const inner = sdkValue(sdk);
    if (!inner) return;
    for (let i = 0; i < value.length; i++) {
      enter(ctx, Step.Item, i);
      checkSdkOnly(ctx, inner, value[i]);
      leave(ctx);
    }
  } else if (sdk.isMapSchema() && isRecord(value)) {
    const inner = sdkValue(sdk);
    if (!inner) return;
    for (const [k, v] of Object.entries(value)) {
      enter(ctx, Step.Value, k);
      checkSdkOnly(ctx, inner, v);
      leave(ctx);
    }
  }
}
