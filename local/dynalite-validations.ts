import { createRequire } from 'node:module';

/**
 * dynalite's member validations (dynalite/validations `checkValidations`: required members, table names, `notNull`,
 * bounds, lengths, patterns, enums, then the action's own checks), with each action's description read once. dynalite
 * walks the description on every request, building a regular expression from a pattern each time it checks one and
 * testing the description's type names with more; about 1 % of a simulated quarter. Here a request is first checked
 * with predicates built once per description; a request they pass is one dynalite finds no fault with, so only the
 * action's own checks (`custom`) run, as dynalite runs them after its walk. A request they do not pass, or a
 * description they do not know, goes to dynalite's `checkValidations`, which then throws exactly the error it
 * throws (the first missing member, or up to ten faults in its order): the predicates only say "no fault", never
 * which. They read the request and change nothing in it.
 */

type Spec = Record<string, unknown>;
type Pass = (value: unknown) => boolean;
type CheckValidations = (data: unknown, validations: unknown, custom: unknown, store: unknown) => void;
type Custom = (data: unknown, store: unknown) => string | undefined;

const require = createRequire(import.meta.url);
const isRecord = (value: unknown): value is Spec =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const never: Pass = () => false;
const always: Pass = () => true;

/** dynalite's length of a member: a map's number of keys, otherwise its `length`. */
const lengthOf = (value: unknown): unknown =>
  typeof value === 'object' && !Array.isArray(value)
    ? Object.keys(value as object).length
    : (value as { length?: unknown }).length;

/** Predicates for dynalite's `validateFns`, each given the validation's argument (a bound, a pattern, a set). */
const predicates: Record<string, (argument: unknown) => Pass> = {
  notNull: () => (value) => value != null,
  greaterThanOrEqual: (min) => (value) => (value as number) >= (min as number),
  lessThanOrEqual: (max) => (value) => (value as number) <= (max as number),
  regex: (pattern) => {
    const re = RegExp(`^${String(pattern)}$`);
    return (value) => re.test(value as string);
  },
  lengthGreaterThanOrEqual: (min) => (value) => (lengthOf(value) as number) >= (min as number),
  lengthLessThanOrEqual: (max) => (value) => (lengthOf(value) as number) <= (max as number),
  enum: (set) => (value) => Array.isArray(set) && set.includes(value),
  // dynalite runs these on each map key, or value, directly (null included): a fault there throws (it names the
  // member '', which dynalite's message cannot take) and the throw is the fault it reports.
  keys: (inner) => {
    const each = innerPasses(inner);
    return (value) => Object.keys(value as object).every(each);
  },
  values: (inner) => {
    const each = innerPasses(inner);
    return (value) => Object.values(value as object).every(each);
  },
};

/** Whether every validation of `inner` passes on a map key or value without throwing. */
function innerPasses(inner: unknown): Pass {
  if (!isRecord(inner)) return never;
  const passes = Object.keys(inner).map((name) => {
    const predicate = name === 'keys' || name === 'values' ? undefined : predicates[name];
    return predicate ? predicate(inner[name]) : never;
  });
  return (value) => {
    try {
      return passes.every((pass) => pass(value));
    } catch {
      return false;
    }
  };
}

/** Builds each description's predicate once. */
class Compiler {
  private readonly built = new WeakMap<object, Pass>();

  /** Whether dynalite's `checkNonRequired` finds no fault in a member described by `spec`. */
  member(spec: unknown): Pass {
    if (spec == null || typeof spec !== 'object') return always;
    const known = this.built.get(spec);
    if (known) return known;
    const passes: Pass[] = [];
    const s = spec as Spec;
    for (const validation in s) {
      if (validation === 'type' || validation === 'required' || validation === 'tableName') continue;
      if (validation === 'notNull') {
        passes.push((value) => value != null);
        continue;
      }
      let pass: Pass;
      if (validation === 'children') pass = this.children(s);
      else {
        const predicate = predicates[validation];
        pass = predicate ? predicate(s[validation]) : never;
      }
      passes.push((value) => value == null || pass(value));
    }
    const all: Pass = (value) => {
      for (const pass of passes) if (!pass(value)) return false;
      return true;
    };
    this.built.set(spec, all);
    return all;
  }

  /** A list's members, a map's values, or a structure's members, as `checkNonRequired` tells them apart. */
  private children(spec: Spec): Pass {
    const type = spec.type as string;
    if (/List$/.test(type)) {
      const child = this.member(spec.children);
      return (value) => Array.isArray(value) && value.every((item) => child(item));
    }
    if (/Map/.test(type)) {
      const child = this.member(spec.children);
      return (value) => isRecord(value) && Object.keys(value).every((key) => child(value[key]));
    }
    const struct = this.struct(spec.children);
    return (value) => isRecord(value) && struct(value);
  }

  /** dynalite's `checkNonRequireds`: every described member. */
  struct(types: unknown): (data: Spec) => boolean {
    if (!isRecord(types)) return () => true;
    const members = Object.keys(types).map((name) => [name, this.member(types[name])] as const);
    return (data) => {
      for (const [name, pass] of members) if (!pass(data[name])) return false;
      return true;
    };
  }
}

/** Whether a request is free of the faults dynalite reports before `custom`: missing members, bad table names. */
function requiredPresent(data: Spec, validations: Spec): boolean {
  for (const name in validations) {
    const spec = validations[name];
    if (spec == null) return false;
    if ((spec as Spec).required && data[name] == null) return false;
    if ((spec as Spec).tableName) {
      const value = data[name] as { length: number } | null | undefined;
      if (value != null && (value.length < 3 || value.length > 255)) return false;
    }
  }
  return true;
}

const OWN = Symbol.for('goldsmith.dynalite.ownCheckValidations');
interface Validations {
  checkValidations: CheckValidations;
  [OWN]?: CheckValidations;
}

/**
 * A `checkValidations` that answers as `dynaliteCheckValidations` does (the same error thrown, the same request
 * left for the action), checking what dynalite's walk checks with predicates built once per action.
 */
export function compiledCheckValidations(
  dynaliteCheckValidations: CheckValidations,
  validationError: (message: string) => Error,
): CheckValidations {
  const compiler = new Compiler();
  const structs = new WeakMap<object, (data: Spec) => boolean>();
  return (data, validations, custom, store) => {
    if (isRecord(data) && isRecord(validations)) {
      let struct = structs.get(validations);
      if (!struct) {
        struct = compiler.struct(validations);
        structs.set(validations, struct);
      }
      if (requiredPresent(data, validations) && struct(data)) {
        // As dynalite runs them after its walk (a custom that is not a function throws there as here).
        if (custom) {
          const message = (custom as Custom)(data, store);
          if (message) throw validationError(message);
        }
        return;
      }
    }
    dynaliteCheckValidations(data, validations, custom, store);
  };
}

/** dynalite's own `checkValidations`, as it was before `compileDynaliteValidations` (tests compare the two). */
export function dynaliteOwnCheckValidations(): CheckValidations {
  const validations = require('dynalite/validations') as Validations;
  return validations[OWN] ?? validations.checkValidations;
}

/** Makes dynalite's validations use `compiledCheckValidations`, once per process (both ways of running dynalite). */
export function compileDynaliteValidations(): void {
  const validations = require('dynalite/validations') as Validations;
  if (validations[OWN]) return;
  const db = require('dynalite/db') as { validationError(message: string): Error };
  const own = validations.checkValidations.bind(validations);
  validations[OWN] = own;
  validations.checkValidations = compiledCheckValidations(own, (message) => db.validationError(message));
}
