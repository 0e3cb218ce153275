import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../cli/commands.js';
import {
  ACTING,
  CLI_ACTING_PAGE,
  CLI_PAGE,
  cliReference,
  SUBCOMMANDS,
} from '../../../scripts/schemas/cli-reference.js';

const root = resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe(`${CLI_PAGE} and ${CLI_ACTING_PAGE}`, () => {
  const everyday = read(CLI_PAGE);
  const acting = read(CLI_ACTING_PAGE);
  const page = `${everyday}\n${acting}`;

  it("are the pages generated from every command's --help (npm run schemas rewrites them)", async () => {
    const pages = await cliReference();
    expect([...pages.keys()]).toEqual([CLI_PAGE, CLI_ACTING_PAGE]);
    expect(everyday).toBe(pages.get(CLI_PAGE));
    expect(acting).toBe(pages.get(CLI_ACTING_PAGE));
  });

  it('hold the commands that act on the acting page and every other command on the first, each once', () => {
    for (const name of Object.keys(commands)) {
      const [holds, lacks] = ACTING.includes(name) ? [acting, everyday] : [everyday, acting];
      expect(holds, name).toContain(`## \`goldsmith ${name}\`\n`);
      expect(lacks, name).not.toContain(`## \`goldsmith ${name}\`\n`);
    }
    expect(everyday).toContain('usage: goldsmith <command> [options]');
    expect(everyday).toContain('](cli-acting.md)');
  });

  it('has a section for every command and subcommand, each holding the usage line its --help prints', () => {
    const names = Object.keys(commands);
    expect(names.length).toBeGreaterThanOrEqual(19);
    for (const name of names) {
      expect(page).toContain(`## \`goldsmith ${name}\`\n\n\`\`\`text\nusage: goldsmith ${name}`);
      for (const sub of SUBCOMMANDS[name] ?? []) expect(page).toContain(`## \`goldsmith ${name} ${sub}\``);
    }
  });

  it('names every option a command takes, as its parser knows it', () => {
    // Options the parsers accept (cli/act.ts, cli/simulate.ts, cli/fleet.ts), each documented where it applies.
    for (const option of ['--as ARN|NAME', '--resume DIR', '--until', '--channel C', '--ou OU', '--catalog-only'])
      expect(page).toContain(option);
  });
});
