import type { PlainState } from './state-form.js';

/**
 * Where a saved value sits, as the state walker names it (`$.ec2.images<3>.tags[0]`), spelled out only where it is
 * needed. Opening a saved cloud spelled and hashed the path of every object it read (about 100,000), to find the
 * few that a `$ref` names; a place is now spelled when a `$ref` names it or a place under it (it is `live`), or when
 * an error names it.
 */
export interface Place {
  readonly up: Place | undefined;
  readonly step: string | number;
  /** 0 a field (`.key`), 1 a list's item (`[i]`), 2 a map's key (`<key i>`), 3 a map's value (`<i>`), 4 a set's
   * item (`{i}`). */
  readonly how: number;
  /** The path, once spelled out. */
  text: string | undefined;
  /** A `$ref` in the state names this place or one under it: its path is spelled out at once. */
  readonly live: boolean;
}

const OPENS = ['.', '[', '<key ', '<', '{'];
const CLOSES = ['', ']', '>', '>', '}'];

/** The path of `place`, spelled out (and kept) on first asking. */
export function pathOf(place: Place): string {
  if (place.text === undefined) {
    place.text = `${pathOf(place.up as Place)}${OPENS[place.how]}${place.step}${CLOSES[place.how]}`;
  }
  return place.text;
}

/** The places of one saved state: the root, and each place under another, live when a `$ref` leads through it. */
export function placesOf(state: PlainState, root: string) {
  const prefixes = refPrefixes(state);
  return {
    root: { up: undefined, step: '', how: 0, text: root, live: true } as Place,
    under(up: Place, step: string | number, how: number): Place {
      if (!up.live) return { up, step, how, text: undefined, live: false };
      const text = `${up.text}${OPENS[how]}${step}${CLOSES[how]}`;
      return prefixes.has(text) ? { up, step, how, text, live: true } : { up, step, how, text: undefined, live: false };
    },
  };
}

/** Every string that begins the path of a `$ref` in `state` (the path itself among them). */
function refPrefixes(state: PlainState): Set<string> {
  const refs = new Set<string>();
  const visit = (s: PlainState): void => {
    if (s === null || typeof s !== 'object') return;
    if (Array.isArray(s)) {
      for (const item of s) visit(item);
      return;
    }
    const ref = (s as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') refs.add(ref);
    for (const value of Object.values(s)) visit(value as PlainState);
  };
  visit(state);
  const prefixes = new Set<string>();
  for (const ref of refs) for (let i = 1; i <= ref.length; i++) prefixes.add(ref.slice(0, i));
  return prefixes;
}
