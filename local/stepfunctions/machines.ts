import { StateMachine } from 'aws-local-stepfunctions';
import { type LocalizedMachine, localizeDefinition, type StatesDefinition } from './localize.js';
import { definitionDigest } from './saved-state.js';
import { validatedCache } from './validated.js';

const VALIDATED = validatedCache();

/**
 * The state machines' definitions: each machine's current one (what a new execution starts on), every definition an
 * execution runs on (localized, validated and given a runner once, by digest), and which one each execution started
 * on. Registering another definition for a machine is UpdateStateMachine: "Running executions will continue to use
 * the previous definition and roleArn"
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachine.html).
 */
export class MachineDefinitions {
  private readonly byDigest = new Map<string, { definition: StatesDefinition; machine: LocalizedMachine }>();
  private readonly runners = new Map<LocalizedMachine, StateMachine>();
  private readonly current = new Map<string, string>();
  private readonly startedOn = new Map<string, string>();

  /** Makes `definition` the machine's current one. */
  register(stateMachineArn: string, definition: StatesDefinition): void {
    this.current.set(stateMachineArn, this.localized(definition));
  }

  /** The machine's current definition, localized (undefined: no such machine). */
  currentMachine(stateMachineArn: string): LocalizedMachine | undefined {
    return this.byDigest.get(this.current.get(stateMachineArn) ?? '')?.machine;
  }

  /** Records that `executionArn` starts now on its machine's current definition, or on `definition` (restored). */
  start(executionArn: string, stateMachineArn: string, definition?: StatesDefinition): LocalizedMachine | undefined {
    const digest = definition === undefined ? this.current.get(stateMachineArn) : this.localized(definition);
    if (digest === undefined) return undefined;
    this.startedOn.set(executionArn, digest);
    return this.byDigest.get(digest)?.machine;
  }

  /** The definition `executionArn` started on (as registered, before localizing). */
  definitionOf(executionArn: string): StatesDefinition | undefined {
    return this.byDigest.get(this.startedOn.get(executionArn) ?? '')?.definition;
  }

  /** True when `executionArn` runs on another definition than its machine's current one. */
  onEarlierDefinition(executionArn: string, stateMachineArn: string): boolean {
    return this.startedOn.get(executionArn) !== this.current.get(stateMachineArn);
  }

  runner(machine: LocalizedMachine): StateMachine | undefined {
    return this.runners.get(machine);
  }

  /** Localizes, validates and keeps a runner for `definition` (once per digest); returns its digest. */
  private localized(definition: StatesDefinition): string {
    const digest = definitionDigest(definition);
    if (this.byDigest.has(digest)) return digest;
    // Kept as registered: the runner may annotate the states it is given (QueryLanguage), and a saved cloud writes
    // this copy down.
    const kept = structuredClone(definition);
    const machine = localizeDefinition(definition);
    // Validate once here (a bad definition fails at registration, as CreateStateMachine would); executions and
    // their Map iterations then skip the validator, which otherwise recompiles its schema every time. A definition
    // that passed before (same validators) is not checked again (validated.ts).
    const validationOptions = { checkPaths: false, checkArn: false };
    VALIDATED.check(machine.definition, validationOptions, () => {
      new StateMachine(machine.definition as never, { validationOptions });
    });
    this.byDigest.set(digest, { definition: kept, machine });
    this.runners.set(
      machine,
      new StateMachine(machine.definition as never, { validationOptions: { noValidate: true } }),
    );
    return digest;
  }
}
