import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { rememberDynaliteParses } from './dynalite-parse-cache.js';
import { rememberActiveTables, repairStore, type Store, storeStringsInMemoryLevel } from './dynalite-store.js';
import { transactWriteItems } from './dynalite-transactions.js';
import { compileDynaliteTypeChecks } from './dynalite-type-checks.js';
import { compileDynaliteValidations } from './dynalite-validations.js';

/**
 * dynalite's DynamoDB, answered in process: the SDK client serializes each request to DynamoDB's JSON protocol as it
 * would for AWS, and this request handler gives the body to dynalite's own type checks, validations and actions
 * (the same ones its HTTP server runs), then hands the JSON answer or error back for the client to deserialize. Only
 * the loopback socket, HTTP parsing and the signature-header check are skipped: the fakes answer unsigned requests
 * too. A long simulation spends a fifth of its time on that HTTP round trip otherwise.
 */

interface DynaliteError extends Error {
  statusCode?: number;
  body?: unknown;
}
type Callback = (error: DynaliteError | null, data?: unknown) => void;
interface ActionValidation {
  types: unknown;
  custom?: unknown;
}
interface Validations {
  checkTypes(data: unknown, types: unknown): unknown;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: Store): void;
}

// The operations dynalite's server accepts (dynalite/index.js `validOperations`).
const OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;
const VALID_APIS = new Set(['DynamoDB_20111205', 'DynamoDB_20120810']);

const require = createRequire(import.meta.url);

/** The part of Smithy's HttpRequest the handler reads. */
interface RequestLike {
  headers: Record<string, string>;
  body?: unknown;
}

/** What a Smithy request handler returns: an HttpResponse-shaped object the client's deserializer reads. */
export interface InProcessResponse {
  response: { statusCode: number; reason?: string; headers: Record<string, string>; body: Uint8Array };
}

export interface InProcessDynamo {
  /** Pass as the DynamoDB client's `requestHandler`. */
  readonly requestHandler: {
    handle(request: RequestLike): Promise<InProcessResponse>;
    updateHttpClientConfig(): void;
    httpHandlerConfigs(): Record<string, never>;
  };
  /**
   * Every key and value the store holds (tables' definitions, items and index entries, as dynalite stores them), in
   * key order: what a saved local cloud keeps of DynamoDB. Read at a quiescent instant (no request in flight).
   */
  dump(): Promise<[string, string][]>;
  /**
   * Replaces everything the store holds with a `dump` (tables included): it then answers as the dumped one did. Run
   * at a quiescent instant, as `dump`.
   */
  load(entries: readonly (readonly [string, string])[]): Promise<void>;
  stop(): Promise<void>;
}

/** The store's raw entries: keys and values as the strings memory-level keeps (storeStringsInMemoryLevel). */
const RAW = { keyEncoding: 'utf8', valueEncoding: 'utf8' } as const;

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A new in-memory dynalite store behind an SDK request handler; tables become ACTIVE at once. */
export function startInProcessDynamo(): InProcessDynamo {
  storeStringsInMemoryLevel(require);
  const db = require('dynalite/db') as { create(options: Record<string, number>): Store };
  const validations = require('dynalite/validations') as Validations;
  const actions = new Map<string, (store: Store, data: unknown, cb: Callback) => void>();
  const checks = new Map<string, ActionValidation>();
  for (const op of OPERATIONS) {
    actions.set(op, require(`dynalite/actions/${lowerFirst(op)}`));
    checks.set(op, require(`dynalite/validations/${lowerFirst(op)}`));
  }
  const store = db.create({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  repairStore(store);
  const forgetTables = rememberActiveTables(store);
  rememberDynaliteParses();
  compileDynaliteTypeChecks();
  compileDynaliteValidations();
  // Request ids look like dynalite's server's (52 characters of A–Z and 0–9) and are unique per store: a random
  // prefix drawn once, then a counter. Drawing 39 random bytes per answer, as the server does, cost about 1 % of a
  // long simulation.
  const idPrefix = randomBytes(24).toString('base64').toUpperCase().replace(/\+|\//g, '0');
  let answered = 0;
  const nextRequestId = () => idPrefix + (answered++).toString(36).toUpperCase().padStart(20, '0');
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  const answer = (statusCode: number, data: unknown): InProcessResponse => ({
    response: {
      statusCode,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': nextRequestId(),
      },
      body: encoder.encode(JSON.stringify(data)),
    },
  });

  // The same steps, in the same order, as dynalite's httpHandler after it has read the HTTP request.
  const handle = (request: RequestLike): Promise<InProcessResponse> => {
    const raw = request.body;
    const body = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? decoder.decode(raw) : '';
    let data: unknown;
    if (body) {
      try {
        data = JSON.parse(body);
      } catch {
        return Promise.resolve(answer(400, { __type: 'com.amazon.coral.service#SerializationException' }));
      }
    }
    const target = (request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '').split('.');
    const op = target[1] ?? '';
    const known = actions.has(op) || op === 'TransactWriteItems';
    if (target.length !== 2 || !VALID_APIS.has(target[0] ?? '') || !known)
      return Promise.resolve(answer(400, { __type: 'com.amazon.coral.service#UnknownOperationException' }));
    if (!body) return Promise.resolve(answer(400, { __type: 'com.amazon.coral.service#SerializationException' }));
    return run(op, data);
  };

  /** One operation through dynalite's type checks, validations and action, as its server runs them. */
  const run = (op: string, input: unknown): Promise<InProcessResponse> => {
    let data = input;
    if (op === 'TransactWriteItems') return transactWriteItems(data, (one, request) => run(one, request), answer);
    const action = actions.get(op);
    const check = checks.get(op);
    if (!action || !check)
      return Promise.resolve(answer(400, { __type: 'com.amazon.coral.service#UnknownOperationException' }));
    try {
      data = validations.checkTypes(data, check.types);
      validations.checkValidations(data, check.types, check.custom, store);
    } catch (error) {
      const e = error as DynaliteError;
      if (e.statusCode) return Promise.resolve(answer(e.statusCode, e.body));
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      action(store, data, (error, result) => {
        if (error?.statusCode) resolve(answer(error.statusCode, error.body));
        else if (error) reject(error);
        else resolve(answer(200, result));
      });
    });
  };

  return {
    requestHandler: { handle, updateHttpClientConfig: () => undefined, httpHandlerConfigs: () => ({}) },
    dump: async () => (await store.db.iterator(RAW).all()) as [string, string][],
    async load(entries) {
      await store.db.clear();
      // The tables' definitions are written past the table store's own put: the kept ones are read again.
      forgetTables();
      await store.db.batch(entries.map(([key, value]) => ({ type: 'put', key, value, ...RAW })));
    },
    stop: () => new Promise<void>((resolve, reject) => store.db.close((e) => (e ? reject(e) : resolve()))),
  };
}
