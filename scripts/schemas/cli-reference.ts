import { type Command, commands } from '../../cli/commands.js';
import { main } from '../../cli/main.js';

/**
 * docs/reference/cli.md and docs/reference/cli-acting.md: every `goldsmith` command's `--help`, as the code prints it,
 * so the pages cannot drift from the parsers. `npm run schemas` writes them; test/unit/docs/cli-reference.test.ts
 * fails when a committed page differs.
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

/**
 * The commands that change what a deployment decides or holds, through its operator endpoint: their page is
 * docs/reference/cli-acting.md. Every other command (checking, reading, simulating) is on docs/reference/cli.md.
 */
export const ACTING: readonly string[] = [
  'build',
  'approve',
  'reject',
  'promote',
  'rollback',
  'revoke',
  'restore',
  'resume',
  'lifecycle',
  'rollout',
  'rotate-signing-key',
];

/** The two pages' paths. */
export const CLI_PAGE = 'docs/reference/cli.md';
export const CLI_ACTING_PAGE = 'docs/reference/cli-acting.md';

/** A page's table rows and sections, for the commands `names`, in the order `goldsmith --help` lists them. */
async function commandSections(names: readonly string[]): Promise<{ rows: string[]; sections: string[] }> {
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
  return { rows, sections };
}

/** A page: its opening, then the table of its commands, then each command's section. */
const pageOf = (opening: readonly string[], { rows, sections }: { rows: string[]; sections: string[] }) =>
  [...opening, '', '| command | what it does |', '|---|---|', ...rows, '', sections.join('\n\n'), ''].join('\n');

/**
 * Both pages' text, by path: docs/reference/cli.md (the usage, and the commands that check, read and simulate) and
 * docs/reference/cli-acting.md (the commands that act on a deployment, {@link ACTING}).
 */
export async function cliReference(): Promise<Map<string, string>> {
  const names = Object.keys(commands);
  const { text: usage } = await helpOf(['--help']);
  const everyday = pageOf(
    [
      '# Command reference: `goldsmith`',
      '',
      "This page answers which commands `goldsmith` has and which arguments and options each takes: every command's",
      '`--help`, as the code prints it. `npm run schemas` writes it from cli/; `test/unit/docs/cli-reference.test.ts`',
      'fails when it differs. What the commands are for, in order of use: [../operating.md](../operating.md). The',
      'commands that act on a deployment (build, approve, promote, roll back, revoke, roll out…) are on',
      '[cli-acting.md](cli-acting.md); the commands that check, read and simulate are below.',
      '',
      block(usage),
    ],
    await commandSections(names.filter((n) => !ACTING.includes(n))),
  );
  const acting = pageOf(
    [
      '# Command reference: the commands that act',
      '',
      'This page answers which arguments and options each `goldsmith` command that acts on a deployment takes (it',
      "builds, decides, moves a pointer, revokes, rolls out or rotates keys): every such command's `--help`, as the",
      'code prints it. `npm run schemas` writes it from cli/; `test/unit/docs/cli-reference.test.ts` fails when it',
      'differs. The usage and the commands that check, read and simulate: [cli.md](cli.md).',
    ],
    await commandSections(names.filter((n) => ACTING.includes(n))),
  );
  return new Map([
    [CLI_PAGE, everyday],
    [CLI_ACTING_PAGE, acting],
  ]);
}
