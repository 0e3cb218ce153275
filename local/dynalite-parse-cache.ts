import { createRequire } from 'node:module';

/**
 * dynalite parses every ConditionExpression, KeyConditionExpression, FilterExpression, UpdateExpression and
 * ProjectionExpression of every request with its PEG grammars: about a tenth of a simulated quarter's CPU, although
 * Goldsmith sends the same few hundred expressions, with the same names and values, over and over. A parse is a pure
 * function of the expression text, ExpressionAttributeNames and ExpressionAttributeValues (the grammars read nothing
 * else of the request), so its result is remembered under those three. The only side effect of a parse, marking the
 * names and values it used (for DynamoDB's "unused in expressions" error), is replayed on a hit. Each caller gets a
 * copy of its own, since dynalite rewrites parsed key conditions in place. A parse that throws, or whose values hold
 * anything but JSON-like data (binary values), is not remembered. Answers are unchanged.
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

/** A deep copy of parser output (plain objects, arrays, strings, numbers, booleans, null); undefined otherwise. */
export function copyParsed(value: unknown): { value: unknown } | undefined {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint'
      ? undefined
      : { value };
  }
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const copied = copyParsed(value[i]);
      if (!copied) return undefined;
      out[i] = copied.value;
    }
    return { value: out };
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
  for (const key of Object.keys(value)) {
    const copied = copyParsed((value as Record<string, unknown>)[key]);
    if (!copied) return undefined;
    out[key] = copied.value;
  }
  return { value: out };
}

const allTrue = (o: Record<string, unknown> | undefined): Record<string, boolean> =>
  Object.fromEntries(Object.keys(o ?? {}).map((k) => [k, true]));

/** The one side effect of a parse: the names and values it used are no longer "unused". */
function markUsed(context: ParseContext, used: Pick<Remembered, 'usedNames' | 'usedVals'>): void {
  for (const k of used.usedNames) delete context.unusedAttrNames?.[k];
  for (const k of used.usedVals) delete context.unusedAttrVals?.[k];
}

function remembering(parse: Parser['parse']): Parser['parse'] {
  const remembered = new Map<string, Remembered>();
  return (input, options) => {
    const context = options.context;
    let key: string;
    try {
      key = `${input}\u0000${JSON.stringify(context.attrNames ?? null)}\u0000${JSON.stringify(context.attrVals ?? null)}`;
    } catch {
      return parse(input, options);
    }
    const hit = remembered.get(key);
    if (hit) {
      counts.remembered++;
      markUsed(context, hit);
      return copyParsed(hit.result)?.value;
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
    const stored = copyParsed(result);
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
