import { AsyncLocalStorage } from 'node:async_hooks';
import type { CustomResourceResponse } from '../../member/auto-scaling-grant.js';

/**
 * The Node.js Lambda runtime a template's inline code (`Code.ZipFile`, a CommonJS `index.js`) runs in, for
 * stacksets-inline-function.ts: the code compiled once per text and loaded once per Region, the SDK clients and https
 * module the runtime provides, and `setTimeout` in virtual time. The module keeps nothing of a run: each call its SDK
 * clients, https PUT or `setTimeout` make answers the run it comes from (AsyncLocalStorage), so every stack
 * instance's function behaves as its own module would, and 79,000 stack instances load the code 16 times.
 */

/** What a run answers its calls with: its SDK clients' requests, its virtual time and its answer. */
export interface RunCalls {
  elapsedMs: number;
  response: CustomResourceResponse | undefined;
  iamSend(command: Command): Promise<unknown>;
  kmsSend(command: Command): Promise<unknown>;
}

/** An SDK command: its input, as the inline code gives it. */
export class Command {
  constructor(readonly input: Record<string, unknown>) {}
}
// The commands the runtime's SDK clients take, the same classes for every run.
export class CreateServiceLinkedRoleCommand extends Command {}
export class CreateGrantCommand extends Command {}
export class RetireGrantCommand extends Command {}

type ModuleLoader = (
  module: unknown,
  exports: unknown,
  require: (name: string) => unknown,
  process: unknown,
  setTimeout: unknown,
) => void;
const loaders = new Map<string, ModuleLoader>();

/** The module's code compiled once per text. */
function compiled(code: string): ModuleLoader {
  let loader = loaders.get(code);
  if (!loader) {
    loader = new Function('module', 'exports', 'require', 'process', 'setTimeout', code) as ModuleLoader;
    loaders.set(code, loader);
  }
  return loader;
}

/** What the https module's `request` hands the response callback: a 200 with no body to read. */
const OK_RESPONSE = { statusCode: 200, resume() {}, on: (ev: string, fn: () => void) => ev === 'end' && fn() };

/** The run each call of the runtime's modules belongs to: the one whose handler call it comes from. */
const runs = new AsyncLocalStorage<RunCalls>();

function currentRun(what: string): RunCalls {
  const run = runs.getStore();
  if (!run) throw new Error(`the fake runtime's ${what} is called outside a run of the handler`);
  return run;
}

// The runtime's SDK clients and https module: the same for every run, each call answering the run it comes from.
class IAMClient {
  send(command: Command): Promise<unknown> {
    return currentRun('IAMClient').iamSend(command);
  }
}
class KMSClient {
  send(command: Command): Promise<unknown> {
    return currentRun('KMSClient').kmsSend(command);
  }
}

/** The PUT of the answer to CloudFormation's ResponseURL: its body is the run's response. */
class ResponsePut {
  constructor(
    private readonly run: RunCalls,
    private readonly onResponse: (r: unknown) => void,
  ) {}
  on(): void {}
  end(body: string): void {
    this.run.response = JSON.parse(body) as CustomResourceResponse;
    this.onResponse(OK_RESPONSE);
  }
}

const MODULES: Record<string, unknown> = {
  'node:https': {
    request(_url: string, _options: unknown, onResponse: (r: unknown) => void) {
      return new ResponsePut(currentRun('https.request'), onResponse);
    },
  },
  '@aws-sdk/client-iam': { IAMClient, CreateServiceLinkedRoleCommand },
  '@aws-sdk/client-kms': { KMSClient, CreateGrantCommand, RetireGrantCommand },
};

function requireModule(name: string): unknown {
  if (!(name in MODULES)) throw new Error(`the inline code requires ${name}, which the fake runtime does not provide`);
  return MODULES[name];
}

/** The runtime's `setTimeout`: the run's virtual time moves on by `ms`, and `fn` runs next. */
function sleep(fn: () => void, ms: number): void {
  currentRun('setTimeout').elapsedMs += ms;
  queueMicrotask(fn);
}

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;
/** Each code's module, loaded once per Region (its `process.env.AWS_REGION`), by code text then Region. */
const loaded = new Map<string, Map<string, Handler>>();

/**
 * The code's handler in `region`: the runtime loads index.js as a CommonJS module (its free names are these) once per
 * code and Region, not once per stack instance. The module keeps nothing of a run: its SDK clients and https calls
 * answer the run they are called from, so each account's function behaves as its own module would.
 */
export function handlerOf(code: string, region: string): Handler {
  let byRegion = loaded.get(code);
  if (!byRegion) {
    byRegion = new Map();
    loaded.set(code, byRegion);
  }
  let handler = byRegion.get(region);
  if (!handler) {
    const module = { exports: {} as { handler?: Handler } };
    compiled(code)(module, module.exports, requireModule, { env: { AWS_REGION: region } }, sleep);
    handler = module.exports.handler;
    if (!handler) throw new Error('the inline code exports no handler');
    byRegion.set(region, handler);
  }
  return handler;
}

/** Runs `handler` (handlerOf) for `event` as `run`: every call the module makes answers `run`. */
export function runHandler(handler: Handler, run: RunCalls, event: unknown, context: unknown): Promise<unknown> {
  return runs.run(run, handler, event, context);
}
