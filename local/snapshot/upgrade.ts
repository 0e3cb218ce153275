import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import type { BusRule } from '../eventbridge/bus.js';
import type { CreateStackSetInput, OperationPreferences } from '../fakes/stacksets-types.js';
import type { LocalCloud } from '../simulator/cloud-types.js';
import type { StatesDefinition } from '../stepfunctions/localize.js';
import { definitionDigest, type SavedStepFunctions } from '../stepfunctions/saved-state.js';
import {
  ruleDigest,
  type SavedDeployment,
  templateParameters,
  templateParameterTiers,
  templateSecrets,
} from './deployment.js';
import { functionsCalled } from './rollback.js';
import { completePipelines, type FreshPipelines, freshPipelines } from './upgrade-pipelines.js';

/** An upgrade the saved cloud's work cannot survive: refused before anything runs on (`simulate --resume`). */
export class UpgradeRefusedError extends Error {
  override name = 'UpgradeRefusedError';
}

const lastPart = (arn: string) => arn.split(':').pop() ?? arn;

/**
 * Refuses an upgrade whose deployment removes a function a running execution's definition calls: the execution
 * keeps the definition it started on (UpdateStateMachine), so its next task calling that function fails
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachine.html).
 */
export function refuseBreakingRunning(saved: SavedStepFunctions, previous: SavedDeployment, deployed: Set<string>) {
  const broken = saved.running.flatMap(({ executionArn }) => {
    const machine = saved.executions.find((e) => e.executionArn === executionArn)?.stateMachineArn ?? '';
    const digest = saved.runningOn?.[executionArn];
    const definition: StatesDefinition | undefined =
      (digest === undefined ? undefined : saved.definitions?.[digest]) ?? previous.stateMachines[machine];
    const gone = [...functionsCalled(definition ?? { StartAt: '', States: {} })].filter((fn) => !deployed.has(fn));
    return gone.length === 0
      ? []
      : [`execution ${lastPart(executionArn)} of ${lastPart(machine)} calls ${gone.map(lastPart).join(', ')}`];
  });
  if (broken.length === 0) return;
  throw new UpgradeRefusedError(
    `this upgrade removes functions that ${broken.length} running execution${broken.length === 1 ? '' : 's'} of the saved cloud will call (${broken.join('; ')}): each would fail at that task; let ${broken.length === 1 ? 'it' : 'them'} finish with Goldsmith ${previous.release} (or stop ${broken.length === 1 ? 'it' : 'them'}), then upgrade`,
  );
}

/** An upgrade of a saved cloud: the release that saved it, this one, and what the saved cloud was deployed with. */
export interface UpgradeFrom {
  from: string;
  to: string;
  previous: SavedDeployment;
}

/** What an upgrade did, counted (the stderr line of `simulate --resume`, the rehearsal's test). */
export interface UpgradeFigures {
  from: string;
  to: string;
  /** Every function runs this checkout's code: `deployed` of them, `added` new, `removed` gone (their names). */
  functions: { deployed: number; added: number; removed: string[] };
  /** State machines whose definition the deploy changed (`updated`), kept (`unchanged`), created (`added`) or
   * deleted (`removed`, their names). */
  stateMachines: { updated: number; unchanged: number; added: number; removed: string[] };
  /** Running executions restored, and how many of them keep a definition other than their machine's new one. */
  executions: { running: number; onEarlierDefinition: number };
  rules: { added: number; changed: number; removed: number };
  parameters: { added: number; changed: number };
  queues: { added: number };
  secrets: { added: number };
  /**
   * The member baseline's stack set, when the new templates changed it: its instances updated (of `instances`) by one
   * UpdateStackSet operation, the roles the update replaced, and how long the operation took (virtual minutes).
   */
  stackSet?: { updated: number; instances: number; rolesReplaced: number; minutes: number };
  /** One line per migration run (migrations.ts). */
  migrations: string[];
}

/** What the fresh cloud (the new templates) holds that opening the saved state writes over: taken before. */
export interface FreshDeployment {
  rules: BusRule[];
  /** The member baseline's stack set as the new templates create it (its properties), if they have one. */
  stackSet: StackSetProperties | undefined;
  /** Image Builder's pipelines as the new templates make them (their recipes), by ARN. */
  pipelines: FreshPipelines;
}

export const freshDeployment = (cloud: LocalCloud): FreshDeployment => ({
  rules: JSON.parse(JSON.stringify(cloud.wiring.rules)) as BusRule[],
  stackSet: cloud.installed.fakes.stackSets.stackSetInput(),
  pipelines: freshPipelines(cloud),
});

/** The StackSet resource's properties the fake keeps: CreateStackSet's request and the operations' preferences. */
type StackSetProperties = CreateStackSetInput & { OperationPreferences?: OperationPreferences };

/** What an UpdateStackSet changes (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackSet.html). */
const stackSetDigest = (s: CreateStackSetInput) =>
  canonicalJson({
    template: s.TemplateBody,
    parameters: s.Parameters ?? [],
    capabilities: s.Capabilities ?? [],
    autoDeployment: s.AutoDeployment ?? null,
    managedExecution: s.ManagedExecution ?? null,
  });

/**
 * The member baseline's StackSet resource updated as CloudFormation updates it when the new templates change its
 * template, parameters or settings: one UpdateStackSet over every instance, with the resource's operation preferences
 * (local/fakes/stacksets-update.ts). Its instances' stacks take virtual time (the grant's settling): the operation
 * goes on on the clock, each replaced role and grant deleted when its instance's update ends.
 */
async function updateMemberBaseline(cloud: LocalCloud, fresh: FreshDeployment): Promise<DeployFigures['stackSet']> {
  const stackSets = cloud.installed.fakes.stackSets;
  const saved = stackSets.stackSetInput();
  if (!fresh.stackSet || !saved || stackSetDigest(saved) === stackSetDigest(fresh.stackSet)) return undefined;
  const rolesBefore = new Set(cloud.installed.fakes.memberAccess.roleArns());
  await stackSets.updateStackSet(fresh.stackSet, cloud.clock.now(), fresh.stackSet.OperationPreferences);
  const operation = stackSets.operations.at(-1);
  const rolesNow = cloud.installed.fakes.memberAccess.roleArns();
  return {
    updated: operation?.updated ?? 0,
    instances: stackSets.stackInstances().length,
    rolesReplaced: rolesNow.filter((arn) => !rolesBefore.has(arn)).length,
    minutes: operation ? Math.round((operation.finishedAt - operation.startedAt) / 60_000) : 0,
  };
}

type DeployFigures = Omit<UpgradeFigures, 'executions' | 'migrations'>;

/**
 * Deploys the new templates into a saved cloud just opened, as `sst deploy` (CloudFormation) updates a stack: rules
 * added, changed (the running code's state of a rule, e.g. disabled, kept) or removed; the templates' SSM parameters
 * created or updated to their new values; new queues and secrets created (the saved ones keep their messages and
 * values). Functions run this checkout's code; state machines are registered with their new definitions already
 * (new executions start on them; the running ones keep theirs when Step Functions loads).
 */
export async function deployOver(
  cloud: LocalCloud,
  fresh: FreshDeployment,
  upgrade: UpgradeFrom,
  seed: number,
): Promise<DeployFigures> {
  const { previous } = upgrade;
  const { wiring, templates, resolver } = cloud;
  completePipelines(cloud, fresh);
  const region = cloud.catalog.organization.homeRegion;

  const rules = wiring.rules;
  const saved = new Map(rules.map((r) => [r.name, r]));
  const ruleFigures = { added: 0, changed: 0, removed: 0 };
  const next = fresh.rules.map((f) => {
    const s = saved.get(f.name);
    if (!s) {
      ruleFigures.added++;
      return f;
    }
    if (ruleDigest(s) === ruleDigest(f)) return s;
    ruleFigures.changed++;
    return { ...f, ...(s.state ? { state: s.state } : {}) };
  });
  ruleFigures.removed = [...saved.keys()].filter((name) => !fresh.rules.some((f) => f.name === name)).length;
  // In place: the bus and the rules API hold this list.
  rules.length = 0;
  rules.push(...next);

  const parameters = { added: 0, changed: 0 };
  const ssm = cloud.installed.fakes.ssm;
  const where = { service: 'ssm', region, accountId: cloud.resolver.env.accountId };
  const tiers = templateParameterTiers(templates, resolver);
  for (const [name, value] of Object.entries(templateParameters(templates, resolver))) {
    const now = currentValue(() => ssm.handle({ ...where, action: 'GetParameter', input: { Name: name }, body: {} }));
    if (now === value) continue;
    // The templates' parameters are `ssm.StringParameter`s (stacks/trust/release.ts), in the tier each asks for.
    const tier = tiers.get(name);
    const input = {
      Name: name,
      Value: value,
      Type: 'String',
      Overwrite: now !== undefined,
      ...(tier ? { Tier: tier } : {}),
    };
    ssm.handle({ ...where, action: 'PutParameter', input, body: input });
    parameters[now === undefined ? 'added' : 'changed']++;
  }

  const queues = wiring.queues.filter((q) => !previous.queues.includes(q.name));
  for (const q of queues) cloud.sqs.createQueue(q.name, q.retentionSeconds);
  const secrets = templateSecrets(templates, resolver).filter((name) => !previous.secrets.includes(name));
  for (const name of secrets) {
    // As the fresh cloud derives each secret (cloud.ts): from the seed, so every run signs alike.
    cloud.secrets.create(name, createHash('sha256').update(`goldsmith-local:${seed}:${name}`).digest('hex'));
  }

  const before = previous.stateMachines;
  const machines = {
    updated: 0,
    unchanged: 0,
    added: 0,
    removed: Object.keys(before)
      .filter((arn) => !wiring.stateMachines.some((m) => m.arn === arn))
      .map(lastPart),
  };
  for (const m of wiring.stateMachines) {
    const old = before[m.arn];
    if (old === undefined) machines.added++;
    else if (definitionDigest(old) === definitionDigest(m.definition)) machines.unchanged++;
    else machines.updated++;
  }
  const arns = [...wiring.functions.keys()];
  const stackSet = await updateMemberBaseline(cloud, fresh);
  return {
    from: upgrade.from,
    to: upgrade.to,
    functions: {
      deployed: arns.length,
      added: arns.filter((a) => previous.functions[a] === undefined).length,
      removed: Object.keys(previous.functions)
        .filter((a) => !wiring.functions.has(a))
        .map(lastPart),
    },
    stateMachines: machines,
    rules: ruleFigures,
    parameters,
    queues: { added: queues.length },
    secrets: { added: secrets.length },
    ...(stackSet ? { stackSet } : {}),
  };
}

/** The parameter's value, or undefined when there is none (ParameterNotFound). */
function currentValue(get: () => unknown): string | undefined {
  try {
    return (get() as { Parameter?: { Value?: string } }).Parameter?.Value;
  } catch {
    return undefined;
  }
}

/** `2 removed (a, b)`: how many, and which. */
const removed = (names: string[]) => `${names.length} removed${names.length === 0 ? '' : ` (${names.join(', ')})`}`;

/** What the upgrade did to the member baseline's stack set, in words. */
const memberBaselineText = (s: UpgradeFigures['stackSet']) =>
  s === undefined
    ? 'member baseline stack set unchanged'
    : `member baseline stack set updated: ${s.updated} of ${s.instances} stack instances, ${s.rolesReplaced} rollout roles replaced, over ${s.minutes} virtual minutes`;

/** The upgrade's line on stderr. */
export function upgradeLine(f: UpgradeFigures): string {
  const migrations = f.migrations.length === 0 ? 'no migration' : `migrations: ${f.migrations.join('; ')}`;
  return (
    `upgraded the saved cloud from Goldsmith ${f.from} to ${f.to}: ${f.functions.deployed} functions on this code ` +
    `(${f.functions.added} added, ${removed(f.functions.removed)}), state machines ${f.stateMachines.updated} ` +
    `updated, ${f.stateMachines.unchanged} unchanged, ${f.stateMachines.added} added, ` +
    `${removed(f.stateMachines.removed)}; ${f.executions.running} running ` +
    `executions kept on the definitions they started on (${f.executions.onEarlierDefinition} of them differ from ` +
    `the new); rules ${f.rules.added} added, ${f.rules.changed} changed, ${f.rules.removed} removed; parameters ` +
    `${f.parameters.added} added, ${f.parameters.changed} changed; queues ${f.queues.added} added; secrets ` +
    `${f.secrets.added} added; ${memberBaselineText(f.stackSet)}; ${migrations}`
  );
}

/**
 * The executions the saved cloud had running that ended FAILED, TIMED_OUT or ABORTED after the upgrade: the audit of
 * an upgraded run names each (a straight run of the fixture's release ends none so: test/fixtures/upgrade/).
 */
export function auditUpgradedExecutions(
  running: readonly string[],
  executions: readonly { executionArn: string; stateMachineArn: string; status: string; error?: string }[],
): { problems: string[]; checks: Record<string, number> } {
  const problems = executions
    .filter((e) => running.includes(e.executionArn) && ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(e.status))
    .map(
      (e) =>
        `execution ${lastPart(e.executionArn)} of ${lastPart(e.stateMachineArn)}, running when the cloud was saved, ended ${e.status} after the upgrade${e.error ? ` (${e.error})` : ''}`,
    );
  return { problems, checks: { 'executions running at the save that did not fail after the upgrade': running.length } };
}
