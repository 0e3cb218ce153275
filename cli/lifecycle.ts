import { actionCommand } from './act.js';
import type { Command } from './command.js';
import { subcommandOf, UsageError } from './usage.js';

const USAGE = `usage: goldsmith lifecycle release IMAGE VERSION --reason R (--stage STAGE | --local DIR) [--json]

release: let the next lifecycle sweep delete a version that retention holds only because member accounts still use
it (announced as hold-expired once its retention.holdInUseFor has passed). Recorded with who and why, and announced.`;

/** `goldsmith lifecycle SUBCOMMAND`: lifecycle decisions only an operator takes (today: release). */
export const command: Command = {
  summary: 'lifecycle decisions an operator takes: release a version held for its users',
  async run(args) {
    const named = subcommandOf(
      args,
      USAGE,
      'name the lifecycle command: goldsmith lifecycle release IMAGE VERSION --reason R',
    );
    if (named === undefined) return 0;
    const { sub, rest } = named;
    if (sub !== 'release') throw new UsageError(`unknown lifecycle command "${sub}": goldsmith lifecycle release …`);
    return actionCommand('release').run(rest);
  },
};
