import type { TimelineEntry } from './timeline.js';

/** A timeline line as the human output prints it: repeated identical outcomes are folded into one line. */
export interface PrintedLine {
  at: string;
  image: string;
  text: string;
}

/**
 * A failure seen before (version and times aside): its first line, how often it happened again, the versions it
 * happened to again (a promotion's outcome; none for a dead letter or its recovery), and the last time.
 */
export interface RepeatedOutcome {
  line: PrintedLine;
  /** The first line's text as printed. */
  base: string;
  /** How many more times it happened after its first line. */
  times: number;
  versions: string[];
  last: string;
}

/** Kinds of line that repeat during an outage: a failed outcome, a dead letter, and a later delivery's recovery. */
const FOLDED = new Set<TimelineEntry['kind']>(['outcome', 'rejected-event', 'recovered']);

const VERSIONS = /\b\d+\.\d+\.\d+\/\d+\b/g;
const TIMES = /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?/g;

/** What makes two lines the same failure: the image, the kind and the text without versions and times. */
function genericOf(e: TimelineEntry): string | undefined {
  if (!FOLDED.has(e.kind) || (e.kind === 'outcome' && (e.outcome === 'promoted' || !e.version))) return undefined;
  return `${e.image}|${e.kind}|${e.text.replace(VERSIONS, '<v>').replace(TIMES, '<t>')}`;
}

/**
 * Folds repetition for people, one entry at a time (so a streamed timeline can fold too): when a failed outcome, a
 * dead letter or a recovery (versions and times aside) repeats what an earlier line of the same image said, `push`
 * answers nothing for it and counts it; `repeats` lists what was folded.
 */
export class RepeatFolder {
  private readonly first = new Map<string, RepeatedOutcome>();

  push(e: TimelineEntry): PrintedLine | undefined {
    const generic = genericOf(e);
    const line = { at: e.at, image: e.image, text: e.text };
    if (generic === undefined) return line;
    const seen = this.first.get(generic);
    if (!seen) {
      this.first.set(generic, { line, base: e.text, times: 0, versions: [], last: e.at });
      return line;
    }
    seen.times += 1;
    if (e.kind === 'outcome' && e.version) seen.versions.push(e.version);
    seen.last = e.at;
    return undefined;
  }

  /** The outcomes that repeated, in the order of their first line. */
  repeats(): RepeatedOutcome[] {
    return [...this.first.values()].filter((r) => r.times > 0);
  }
}

/** `<text> — and N more times (<versions>; last <date>)`, or `(last <date>)` where no version tells them apart. */
export function repeatedText(r: RepeatedOutcome): string {
  const n = r.times;
  const versions = r.versions.length > 0 ? `${r.versions.join(', ')}; ` : '';
  return `${r.base} — and ${n} more time${n === 1 ? '' : 's'} (${versions}last ${r.last.slice(0, 10)})`;
}

/** The repeats as the `--json` report lists them: the first line, how often it happened again, the versions. */
export function repeatedOutcomes(
  folder: RepeatFolder,
): { at: string; image: string; text: string; times: number; versions: string[]; last: string }[] {
  return folder.repeats().map((r) => ({ ...r.line, text: r.base, times: r.times, versions: r.versions, last: r.last }));
}

/**
 * Folds repetition for people: the later copies of a repeated failure are not printed; the first one says how many
 * times (and for which versions) it happened again, and until when.
 */
export function foldRepeats(timeline: readonly TimelineEntry[]): PrintedLine[] {
  const folder = new RepeatFolder();
  const out = timeline.map((e) => folder.push(e)).filter((l): l is PrintedLine => l !== undefined);
  for (const r of folder.repeats()) r.line.text = repeatedText(r);
  return out;
}
