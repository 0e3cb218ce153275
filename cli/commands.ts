/** A `goldsmith` subcommand: takes the arguments after its name and resolves to the process exit code. */
export interface Command {
  readonly summary: string;
  run(args: readonly string[]): Promise<number>;
}

/**
 * Every subcommand, loaded on demand so one command's dependencies never slow another down.
 * Adding a command is one line: `name: () => import('./name.js').then((m) => m.command),`.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  validate: () => import('./validate.js').then((m) => m.command),
  simulate: () => import('./simulate.js').then((m) => m.command),
  explain: () => import('./explain.js').then((m) => m.command),
};
