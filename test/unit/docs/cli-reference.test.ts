import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../cli/commands.js';
import { cliReference, SUBCOMMANDS } from '../../../scripts/schemas/cli-reference.js';

const root = resolve(import.meta.dirname, '../../..');
const PAGE = 'docs/reference/cli.md';

describe(PAGE, () => {
  const page = readFileSync(join(root, PAGE), 'utf8');

  it("is the page generated from every command's --help (npm run schemas rewrites it)", async () => {
    expect(page).toBe(await cliReference());
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
