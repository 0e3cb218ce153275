import type { TimelineEntry } from './timeline.js';

/** A timeline line as the human output prints it: repeated identical outcomes are folded into one line. */
export interface PrintedLine {
  at: string;
  image: string;
  text: string;
}

/** A failed outcome seen before (version aside): its first line, and the versions it happened to again. */
export interface RepeatedOutcome {
  line: PrintedLine;
  /** The first line's text as printed. */
  base: string;
  versions: string[];
  last: string;
}

/**
 * Folds repetition for people, one entry at a time (so a streamed timeline can fold too): when an image's failed
 * outcome (version aside) repeats what an earlier line of the same image said, `push` answers nothing for it and
 * keeps the version; `repeats` lists what was folded.
 */
export class RepeatFolder {
  private readonly first = new Map<string, RepeatedOutcome>();

  push(e: TimelineEntry): PrintedLine | undefined {
    if (e.kind !== 'outcome' || e.outcome === 'promoted' || !e.version)
      return { at: e.at, image: e.image, text: e.text };
    const generic = `${e.image}|${e.text.replaceAll(e.version, '<v>')}`;
    const seen = this.first.get(generic);
    if (!seen) {
      const line = { at: e.at, image: e.image, text: e.text };
      this.first.set(generic, { line, base: e.text, versions: [], last: e.at });
      return line;
    }
    seen.versions.push(e.version);
    seen.last = e.at;
    return undefined;
  }

  /** The outcomes that repeated, in the order of their first line. */
  repeats(): RepeatedOutcome[] {
    return [...this.first.values()].filter((r) => r.versions.length > 0);
  }
}

/** `<text> — and N more times (<versions>; last <date>)`. */
export function repeatedText(r: RepeatedOutcome): string {
  const n = r.versions.length;
  return `${r.base} — and ${n} more time${n === 1 ? '' : 's'} (${r.versions.join(', ')}; last ${r.last.slice(0, 10)})`;
}

/**
 * Folds repetition for people: the later copies of a repeated failed outcome are not printed; the first one says
 * how many times and for which versions it happened again, and until when.
 */
export function foldRepeats(timeline: readonly TimelineEntry[]): PrintedLine[] {
  const folder = new RepeatFolder();
  const out = timeline.map((e) => folder.push(e)).filter((l): l is PrintedLine => l !== undefined);
  for (const r of folder.repeats()) r.line.text = repeatedText(r);
  return out;
}
