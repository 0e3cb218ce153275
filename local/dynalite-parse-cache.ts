import { createRequire } from 'node:module';

/**
 * dynalite parses every ConditionExpression, KeyConditionExpression, FilterExpression, UpdateExpression and
 * ProjectionExpression of every request with its PEG grammars: about a tenth of a simulated quarter's CPU, although
 * Goldsmith sends the same few hundred expressions with the same names over and over. A parse is a pure function of
 * the expression text, ExpressionAttributeNames and ExpressionAttributeValues (the grammars read nothing else of the
 * request), so its result is remembered. The grammars read a value's type (an operand's type check), and only two
 * constructs read a value's content: BETWEEN compares its bounds and attribute_type reads the type name it is given
 * (dynalite/db/conditionParser.js `checkBetweenArgs`, `checkFunction`); otherwise a value is only placed in the
 * parsed expression where its placeholder stood. So an expression without those two is remembered under its text,
 * its names and its values' names and types, with each value's place marked, and a later request's own values are
 * put in those places; one with them is remembered under its values too. The only side effect of a parse, marking
 * the names and values it used (for DynamoDB's "unused in expressions" error), is replayed on a hit. Each caller
 * gets a copy of its own, since dynalite rewrites parsed key conditions in place. A parse that throws, or whose
 * values hold anything but JSON-like data (binary values), is not remembered. Answers are unchanged.
 */

interface ParseContext {
  attrNames?: Record<string, string>;
  attrVals?: Record<string, unknown>;
  unusedAttrNames?: Record<string, boolean>;
  unusedAttrVals?: Record<string, boolean>;
  [other: string]: unknown;
}
interface Parser {
  parse(input: string, options: { context: ParseContext }): unknown;
}

interface Remembered {
  result: unknown;
  usedNames: readonly string[];
  usedVals: readonly string[];
}

const PARSERS = ['conditionParser', 'updateParser', 'projectionParser'] as const;
/** Enough for every distinct expression of a long simulation; the oldest is forgotten first beyond it. */
const MAX_REMEMBERED = 4096;
const PATCHED = Symbol.for('goldsmith.dynalite.parseCache');
const require = createRequire(import.meta.url);
const counts = { parsed: 0, remembered: 0 };

/** Parses run and parses answered from memory since the process started (tests read it). */
export function dynaliteParseCounts(): Readonly<typeof counts> {
  return { ...counts };
}

/** What `copyDeep`'s `swap` answers to copy a node as usual, and what a copy answers when it cannot be made. */
const AS_USUAL = Symbol('copy as usual');
const UNCOPIABLE = Symbol('cannot be copied');

/** A deep copy of parser output (plain objects, arrays, strings, numbers, booleans, null); undefined otherwise. */
export function copyParsed(value: unknown): { value: unknown } | undefined {
  return copied(copyDeep(value, asUsual, undefined));
}

const copied = (value: unknown): { value: unknown } | undefined => (value === UNCOPIABLE ? undefined : { value });

/**
 * A deep copy of plain data in which `swap` may answer for any node first: with its copy, with UNCOPIABLE to decline
 * the whole copy, or with AS_USUAL to copy it as usual. Answers UNCOPIABLE for anything but plain data. (Every
 * request whose expressions were parsed before copies them here: no wrapper object per node.)
 */
function copyDeep<D>(value: unknown, swap: (node: unknown, data: D) => unknown, data: D): unknown {
  const swapped = swap(value, data);
  if (swapped !== AS_USUAL) return swapped;
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? UNCOPIABLE : value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copyDeep(value[i], swap, data);
      if (item === UNCOPIABLE) return UNCOPIABLE;
      out[i] = item;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return UNCOPIABLE;
  const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
  for (const key of Object.keys(value)) {
    const member = copyDeep((value as Record<string, unknown>)[key], swap, data);
    if (member === UNCOPIABLE) return UNCOPIABLE;
    out[key] = member;
  }
  return out;
}

const allTrue = (o: Record<string, unknown> | undefined): Record<string, boolean> =>
  Object.fromEntries(Object.keys(o ?? {}).map((k) => [k, true]));

/** The one side effect of a parse: the names and values it used are no longer "unused". */
function markUsed(context: ParseContext, used: Pick<Remembered, 'usedNames' | 'usedVals'>): void {
  for (const k of used.usedNames) delete context.unusedAttrNames?.[k];
  for (const k of used.usedVals) delete context.unusedAttrVals?.[k];
}

/** Constructs whose parse reads a value's content, not only its type (see above). */
const READS_VALUE_CONTENT = /between|attribute_type/i;
/** Marks where a parse placed an expression attribute value: the value's name. */
const VALUE_PLACE = Symbol('expression attribute value');
interface ValuePlace {
  readonly [VALUE_PLACE]: string;
}

/** A value's type as the grammars see it: the attribute-value keys it sets (`S`, `N`, `L`, ...). */
const typeOf = (value: unknown): string =>
  typeof value === 'object' && value !== null
    ? Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] != null)
        .join('+')
    : typeof value;

/** What a parse of `input` under `context` is remembered by; throws for values JSON cannot hold. */
function keyOf(input: string, context: ParseContext): string {
  const names = JSON.stringify(context.attrNames ?? null);
  if (READS_VALUE_CONTENT.test(input))
    return `v\u0000${input}\u0000${names}\u0000${JSON.stringify(context.attrVals ?? null)}`;
  const types = Object.entries(context.attrVals ?? {}).map(([name, value]) => `${name}=${typeOf(value)}`);
  return `t\u0000${input}\u0000${names}\u0000${types.join(',')}`;
}

/** A copy of a parse's result with each expression attribute value (by identity) replaced by its place. */
function withPlaces(value: unknown, places: ReadonlyMap<unknown, string>): { value: unknown } | undefined {
  return copied(
    copyDeep(
      value,
      (node) => {
        const place = places.get(node);
        return place === undefined ? AS_USUAL : ({ [VALUE_PLACE]: place } satisfies ValuePlace);
      },
      undefined,
    ),
  );
}

/** `copyDeep`'s swap that copies nothing differently. */
function asUsual(): typeof AS_USUAL {
  return AS_USUAL;
}

/** `copyDeep`'s swap that puts a request's value (of `values`) where its place is marked. */
function fill(node: unknown, values: Record<string, unknown>): unknown {
  return typeof node === 'object' && node !== null && VALUE_PLACE in node
    ? copyDeep(values[(node as ValuePlace)[VALUE_PLACE]], asUsual, undefined)
    : AS_USUAL;
}

/**
 * A fresh copy of a remembered result with this request's values in their places; undefined if one cannot be copied.
 * (Module-level swaps, no closure per request: a bundle that keeps names would name each new one.)
 */
function filled(value: unknown, values: Record<string, unknown>): { value: unknown } | undefined {
  return copied(copyDeep(value, fill, values));
}

function remembering(parse: Parser['parse']): Parser['parse'] {
  const remembered = new Map<string, Remembered>();
  return (input, options) => {
    const context = options.context;
    let key: string;
    try {
      key = keyOf(input, context);
    } catch {
      return parse(input, options);
    }
    const hit = remembered.get(key);
    const answer = hit && filled(hit.result, context.attrVals ?? {});
    if (hit && answer) {
      counts.remembered++;
      markUsed(context, hit);
      return answer.value;
    }
    counts.parsed++;
    // Parsed against full "unused" sets, so what this expression uses is known whatever was marked before it.
    const probe = {
      ...context,
      unusedAttrNames: allTrue(context.attrNames),
      unusedAttrVals: allTrue(context.attrVals),
    };
    const result = parse(input, { ...options, context: probe });
    const used = {
      usedNames: Object.keys(context.attrNames ?? {}).filter((k) => !(k in probe.unusedAttrNames)),
      usedVals: Object.keys(context.attrVals ?? {}).filter((k) => !(k in probe.unusedAttrVals)),
    };
    const places = new Map(
      Object.entries(context.attrVals ?? {}).flatMap(([name, value]) =>
        typeof value === 'object' && value !== null ? [[value, name] as const] : [],
      ),
    );
    const stored = withPlaces(result, places);
    if (stored) {
      if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value as string);
      remembered.set(key, { result: stored.value, ...used });
    }
    markUsed(context, used);
    return result;
  };
}

/** Makes dynalite's expression parsers remember their results, once per process (both ways of running dynalite). */
export function rememberDynaliteParses(): void {
  for (const name of PARSERS) {
    const parser = require(`dynalite/db/${name}`) as Parser & { [PATCHED]?: true };
    if (parser[PATCHED]) continue;
    parser.parse = remembering(parser.parse.bind(parser));
    parser[PATCHED] = true;
  }
}
