import type { Catalog } from '../core/config/schema.js';
import { describeActions } from '../core/explain/index.js';
import { classifyEvent } from '../events/registry.js';
import { TemplateResolver } from '../local/simulator/intrinsics.js';
import type { SynthesizedApp } from '../local/simulator/synth.js';
import { readWiring } from '../local/simulator/wiring.js';
import { pipelineName } from '../stacks/names.js';
import { type Route, recipesOf, routesFor } from './explain-routes.js';

/** The answer of `goldsmith explain`, as `--json` prints it. */
export interface Explanation {
  known: boolean;
  kind?: string;
  valid?: boolean;
  reason?: string;
  /** Readable names of the rules (schedules, subscriptions) that would deliver the event. */
  matched: string[];
  /** The same, with logical ids, buses and target functions. */
  routes: Route[];
  actions: string[];
  /** What the dry run assumed where only AWS would know. */
  notes: string[];
}

/** The catalog and its stacks synthesized for one account: built once, used for any number of events. */
export interface ExplainSetup {
  catalog: Catalog;
  app: SynthesizedApp;
  accountId: string;
}

/** The account the stacks are synthesized for when the event names none. */
export const DEFAULT_ACCOUNT = '123456789012';

/**
 * Synthesizes Goldsmith's stacks for `catalog` (about 1–2 s, unless cached), offline, as the simulator does, as if
 * deployed in `accountId` (pipeline ARNs in rules and function environments carry it: pass the event's, see
 * `accountOf`).
 */
export async function prepareExplain(
  catalog: Catalog,
  root: string,
  accountId = DEFAULT_ACCOUNT,
): Promise<ExplainSetup> {
  // SST loads AWS SDK v2, whose end-of-support notice on load says nothing about a dry run.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  // From the simulator's synthesis cache when the same catalog and code were synthesized before (synth-cache.ts).
  const { GOLDSMITH_STACK_SET, synthesizeAppCached } = await import('../local/simulator/synth-cache.js');
  return { catalog, accountId, app: await synthesizeAppCached(catalog, GOLDSMITH_STACK_SET, { root, accountId }) };
}

/** The account an event comes from (its `account`), or the default: Goldsmith is read as deployed there. */
export function accountOf(raw: unknown): string {
  const account = typeof raw === 'object' && raw !== null && 'account' in raw ? raw.account : undefined;
  return typeof account === 'string' && /^\d{12}$/.test(account) ? account : DEFAULT_ACCOUNT;
}

const LEDGER_NOTE = 'explain reads no ledger: it assumes no build is running and the change was never seen before';
const GET_IMAGE_NOTE = 'builds are told apart by recipe name here; on-image-event and on-finding ask GetImage';

/**
 * Explains one event without calling AWS: classifies it (the handlers' parsing path), finds the rules of the
 * synthesized stacks that match it, and describes what each target function would do.
 */
export function explainEvent(raw: unknown, setup: ExplainSetup): Explanation {
  const { catalog, app } = setup;
  const home = catalog.organization.homeRegion;
  const resolver = new TemplateResolver(app.templates, { accountId: setup.accountId, region: home });
  const wiring = readWiring(app, resolver);
  const routes = routesFor(raw, wiring, home);
  const matched = routes.map((r) => r.name);
  const classified = classifyEvent(raw);
  if (!classified.known) {
    const actions = routes.flatMap((r) => r.targets.map((t) => `would reject it: ${t} does not know this event`));
    return { known: false, matched, routes, actions, notes: [] };
  }
  const { kind } = classified;
  if (!classified.valid) {
    const actions = routes.flatMap((r) =>
      r.targets.map((t) => `would reject it as malformed: ${t} throws before acting`),
    );
    return { known: true, kind, valid: false, reason: classified.reason, matched, routes, actions, notes: [] };
  }
  const pipelines = new Map(Object.keys(catalog.images).map((image) => [pipelineName(image), image]));
  const facts = { catalog, recipes: recipesOf(app.templates, resolver, pipelines) };
  const targets = routes.flatMap((r) => r.targets);
  const actions = targets.flatMap((handler) => {
    const environment = [...wiring.functions.values()].find((f) => f.handler.endsWith(`/${handler}.handler`));
    return describeActions(facts, { handler, environment: environment?.environment ?? {} }, classified);
  });
  const region = typeof raw === 'object' && raw !== null && 'region' in raw ? raw.region : undefined;
  const notes = [
    ...(typeof region === 'string' && region !== home && routes.some((r) => r.via === 'rule')
      ? [`the event is from ${region}; Goldsmith's rules are in ${home}: they see it only if it is forwarded there`]
      : []),
    ...(targets.includes('start-builds') ? [LEDGER_NOTE] : []),
    ...(targets.some((t) => t === 'on-image-event' || t === 'on-finding') ? [GET_IMAGE_NOTE] : []),
  ];
  return { known: true, kind, valid: true, matched, routes, actions, notes };
}
