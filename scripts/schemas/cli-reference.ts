import { type Command, commands } from '../../cli/commands.js';
import { main } from '../../cli/main.js';

/**
 * docs/reference/cli.md: every `goldsmith` command's `--help`, as the code prints it, so the page cannot drift from
 * the parsers. `npm run schemas` writes it; test/unit/docs/cli-reference.test.ts fails when the committed page differs.
 */

/** Commands with subcommands of their own (`goldsmith rollout pause …`), each with its own `--help`. */
export const SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  rollout: ['status', 'pause', 'resume', 'abort', 'retry'],
  lifecycle: ['release'],
};

/** What `goldsmith ...argv` prints to stdout and stderr, and its exit code, with nothing printed meanwhile. */
export async function helpOf(argv: readonly string[]): Promise<{ code: number; text: string }> {
  const { stdout, stderr } = process;
  const out = stdout.write;
  const err = stderr.write;
  let text = '';
  const capture = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof stdout.write;
  stdout.write = capture;
  stderr.write = capture;
  try {
    const code = await main(argv);
    return { code, text };
  } finally {
    stdout.write = out;
    stderr.write = err;
  }
}

/** The heading of a command's section, and the anchor GitHub gives it. */
const headingOf = (words: readonly string[]) => `\`goldsmith ${words.join(' ')}\``;
const anchorOf = (words: readonly string[]) => `goldsmith-${words.join('-')}`;

/** A fenced block of `text`, its trailing blank lines dropped. */
const block = (text: string) => ['```text', text.trimEnd(), '```'].join('\n');

/** The page's text. Every command, then every subcommand, in the order `goldsmith --help` lists them. */
export async function cliReference(): Promise<string> {
  const names = Object.keys(commands);
  const rows: string[] = [];
  const sections: string[] = [];
  for (const name of names) {
    const load = commands[name] as () => Promise<Command>;
    const { summary } = await load();
    const { text: parent } = await helpOf([name, '--help']);
    for (const words of [[name], ...(SUBCOMMANDS[name] ?? []).map((sub) => [name, sub])]) {
      const { code, text } = await helpOf([...words, '--help']);
      if (code !== 0) throw new Error(`goldsmith ${words.join(' ')} --help exited ${code}: ${text}`);
      // A subcommand's line in its command's --help (`  pause   stop after the current wave…`) says what it does.
      // Else the first sentence of its own description (the paragraph after its usage).
      const own = text.split('\n\n')[1]?.replace(/\s+/g, ' ').split('. ')[0] ?? '';
      const what = words[1]
        ? (new RegExp(`^ +${words[1]}\\b.*?\\s{2,}(\\S.+)$`, 'm').exec(parent)?.[1] ?? own)
        : summary;
      rows.push(`| [${headingOf(words)}](#${anchorOf(words)}) | ${what} |`);
      sections.push(`## ${headingOf(words)}\n\n${block(text)}`);
    }
  }
  const { text: usage } = await helpOf(['--help']);
  return [
    '# Command reference: `goldsmith`',
    '',
    "This page answers which commands `goldsmith` has and which arguments and options each takes: every command's",
    '`--help`, as the code prints it. `npm run schemas` writes it from cli/; `test/unit/docs/cli-reference.test.ts`',
    'fails when it differs. What the commands are for, in order of use: [../operating.md](../operating.md).',
    '',
    block(usage),
    '',
    '| command | what it does |',
    '|---|---|',
    ...rows,
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
}
