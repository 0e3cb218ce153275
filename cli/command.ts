/** A `goldsmith` subcommand: takes the arguments after its name and resolves to the process exit code. */
export interface Command {
  readonly summary: string;
  run(args: readonly string[]): Promise<number>;
}
