import { describe, expect, it } from 'vitest';
import { commands } from '../../../cli/commands.js';
import { main } from '../../../cli/main.js';
import { captureOutput } from '../../helpers/output.js';

describe('a mistyped option', () => {
  it('is refused by every command in one line naming it, exit 1, without a stack trace', async () => {
    const wrong: string[] = [];
    for (const name of Object.keys(commands)) {
      // A command with subcommands takes the option after its subcommand.
      const sub = name === 'rollout' ? ['status'] : name === 'lifecycle' ? ['release'] : [];
      const result = await captureOutput(() => main([name, ...sub, '--idel', '5']).catch(() => -1));
      const expected = `goldsmith ${name}: Unknown option '--idel'\n`;
      if (result.code !== 1 || result.stderr !== expected) wrong.push(`${name}: ${result.code} ${result.stderr}`);
    }
    expect(wrong).toEqual([]);
  });
});
