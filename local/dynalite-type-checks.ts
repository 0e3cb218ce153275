import { createRequire } from 'node:module';

/**
 * dynalite's type checks (dynalite/validations `checkTypes`), with each action's type description read once instead
 * of on every request. dynalite walks a request against its action's types, and for every member it meets it reads
 * the member's type again: a regular expression to split `Map<Condition>` into type and subtype, and, for each
 * attribute value, two new type descriptions (`AttrStruct<...>` builds one with the ten attribute-value members).
 * That walk was the largest single cost of the in-process DynamoDB (2.8 s of a 32 s benchmark of Query, GetItem,
 * PutItem and UpdateItem; about 200 MB allocated a simulated quarter). Here each description becomes a tree of small
 * checking functions once, and a request is walked with those.
 *
 * The answer is dynalite's own, to the member and key order: a checked copy of the request where members the action
 * does not know and null members are left out, whole numbers floored, and the members of a structure in the order
 * the action lists them (those of a map in the request's order). Only what dynalite accepts as it is, is checked
 * here: a member dynalite would convert (a Boolean sent as "true") or refuse (a SerializationException), a Blob, or a
 * description it does not know, hands the whole request back to dynalite's `checkTypes`, which then answers or
 * throws exactly as before. (Members dropped by then are dropped from the request, as dynalite drops them; that
 * changes neither its answer nor the error it throws, which depend only on the members it keeps.)
 */

/** A description as dynalite's validation modules write them: a type name or `{ type, children, ... }`. */
type TypeSpec = string | { type?: unknown; children?: unknown; [check: string]: unknown };
type Types = Record<string, TypeSpec>;
/** Checks one non-null member: its checked copy, or DYNALITE when dynalite must answer for the request. */
type Check = (value: unknown) => unknown;

const DYNALITE = Symbol('dynalite checks this request');
const require = createRequire(import.meta.url);

/** The attribute-value members, as dynalite's `checkType` describes them for `AttrStruct<...>`, in its order. */
const ATTRIBUTE_VALUE: Types = {
  S: 'String',
  B: 'Blob',
  N: 'String',
  BOOL: 'Boolean',
  NULL: 'Boolean',
  BS: { type: 'List', children: 'Blob' },
  NS: { type: 'List', children: 'String' },
  SS: { type: 'List', children: 'String' },
  L: { type: 'List', children: 'AttrStruct<ValueStruct>' },
  M: { type: 'Map<AttributeValue>', children: 'AttrStruct<ValueStruct>' },
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Builds each check once per description, and a child's only when first needed (attribute values nest). */
class Compiler {
  private readonly byObject = new WeakMap<object, Check>();
  private readonly byName = new Map<string, Check>();
  private readonly structs = new WeakMap<object, (data: Record<string, unknown>) => unknown>();

  /** The check of a description (a failing build answers DYNALITE for every member: dynalite then decides). */
  check(spec: unknown): Check {
    const known =
      typeof spec === 'string' ? this.byName.get(spec) : isObject(spec) ? this.byObject.get(spec) : undefined;
    if (known) return known;
    let built: Check;
    try {
      built = this.build(spec);
    } catch {
      built = () => DYNALITE;
    }
    if (typeof spec === 'string') this.byName.set(spec, built);
    else if (isObject(spec)) this.byObject.set(spec, built);
    return built;
  }

  /** A check that builds `spec`'s on its first call. */
  private later(spec: unknown): Check {
    let built: Check | undefined;
    return (value) => {
      built ??= this.check(spec);
      return built(value);
    };
  }

  /** dynalite's `checkType` for a member that is not null, as far as it takes the member unchanged or floors it. */
  private build(spec: unknown): Check {
    let children = (spec as { children?: unknown }).children;
    if (typeof children === 'string') children = { type: children };
    let type = (spec as { type?: unknown }).type ? (spec as { type: unknown }).type : spec;
    if (typeof type !== 'string') return () => DYNALITE;
    let subtype: string | undefined;
    const parts = type.match(/(.+?)<(.+)>$/);
    if (parts != null) {
      type = parts[1] as string;
      subtype = parts[2];
    }
    switch (type) {
      case 'AttrStruct':
        return this.later({ type: `${subtype}<AttributeValue>`, children: ATTRIBUTE_VALUE });
      case 'Boolean':
        return (value) => (typeof value === 'boolean' ? value : DYNALITE);
      case 'Short':
      case 'Integer':
      case 'Long':
        return (value) => (typeof value === 'number' ? Math.floor(value) : DYNALITE);
      case 'Double':
        return (value) => (typeof value === 'number' ? value : DYNALITE);
      case 'String':
        return (value) => (typeof value === 'string' ? value : DYNALITE);
      case 'List':
      case 'ParameterizedList': {
        const child = this.later(children);
        return (value) => {
          if (!Array.isArray(value)) return DYNALITE;
          const out: unknown[] = new Array(value.length);
          for (let i = 0; i < value.length; i++) {
            const item = value[i] == null ? null : child(value[i]);
            if (item === DYNALITE) return DYNALITE;
            out[i] = item;
          }
          return out;
        };
      }
      case 'Map':
      case 'ParameterizedMap': {
        const child = this.later(children);
        return (value) => {
          if (!isRecord(value)) return DYNALITE;
          // A plain object and plain assignment, as dynalite's: a member named __proto__ lands where it lands there.
          const out: Record<string, unknown> = {};
          for (const key of Object.keys(value)) {
            const member = value[key] == null ? null : child(value[key]);
            if (member === DYNALITE) return DYNALITE;
            out[key] = member;
          }
          return out;
        };
      }
      case 'ValueStruct':
      case 'FieldStruct': {
        if (!isObject(children)) return () => DYNALITE;
        const struct = this.struct(children as Types);
        return (value) => (isRecord(value) ? struct(value) : DYNALITE);
      }
      default:
        return () => DYNALITE;
    }
  }

  /** dynalite's `checkTypes`: drops unknown and null members from `data`, and answers the checked copy. */
  struct(types: Types): (data: Record<string, unknown>) => unknown {
    const known = this.structs.get(types);
    if (known) return known;
    const names = Object.keys(types);
    const checks = names.map((name) => this.later(types[name]));
    const built = (data: Record<string, unknown>) => {
      for (const key in data) if (!types[key] || data[key] == null) delete data[key];
      const out: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        const value = data[name];
        if (value == null) continue;
        const checked = (checks[i] as Check)(value);
        if (checked === DYNALITE) return DYNALITE;
        if (checked != null) out[name] = checked;
      }
      return out;
    };
    this.structs.set(types, built);
    return built;
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

interface Validations {
  checkTypes(data: unknown, types: unknown): unknown;
}
const OWN = Symbol.for('goldsmith.dynalite.ownCheckTypes');
type Patched = Validations & { [OWN]?: Validations['checkTypes'] };

/**
 * A `checkTypes` that answers as `dynaliteCheckTypes` does (the same value, or the same error thrown), walking each
 * action's types with checks built once.
 */
export function compiledCheckTypes(dynaliteCheckTypes: Validations['checkTypes']): Validations['checkTypes'] {
  const compiler = new Compiler();
  return (data, types) => {
    if (isRecord(data) && isRecord(types)) {
      const checked = compiler.struct(types as Types)(data);
      if (checked !== DYNALITE) return checked;
    }
    return dynaliteCheckTypes(data, types);
  };
}

/** dynalite's own `checkTypes`, as it was before `compileDynaliteTypeChecks` (tests compare the two). */
export function dynaliteOwnCheckTypes(): Validations['checkTypes'] {
  const validations = require('dynalite/validations') as Patched;
  return validations[OWN] ?? validations.checkTypes;
}

/** Makes dynalite's type checks use `compiledCheckTypes`, once per process (both ways of running dynalite). */
export function compileDynaliteTypeChecks(): void {
  const validations = require('dynalite/validations') as Patched;
  if (validations[OWN]) return;
  const own = validations.checkTypes.bind(validations);
  validations[OWN] = own;
  validations.checkTypes = compiledCheckTypes(own);
}
