/**
 * DynamoDB's TransactWriteItems for the in-process dynalite, which has no transactions of its own: up to 100
 * actions, no two on one item, all or nothing
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html). Each Put, Update or
 * Delete runs as its single-item operation (dynalite's own condition checks); the first whose condition fails undoes
 * the ones before it (each item put back as it was) and the call answers TransactionCanceledException with one
 * cancellation reason per action, `ConditionalCheckFailed` at the failing one and `None` elsewhere (same page,
 * Errors). A ConditionCheck action is refused as not modelled (Goldsmith sends none). Writes of other callers between
 * two actions of one transaction are not held off: the local cloud's operator requests do not race them.
 */

type Json = Record<string, unknown>;
/** The part of the in-process handler's answer (dynalite-in-process.ts `InProcessResponse`) this reads. */
interface DynamoAnswer {
  response: { statusCode: number; body: Uint8Array };
}
type Run<R> = (op: string, input: unknown) => Promise<R>;
type Answer<R> = (statusCode: number, data: unknown) => R;

const MAX_ACTIONS = 100;
const OPS = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem' } as const;
const decoder = new TextDecoder();

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const bodyOf = (r: DynamoAnswer): Json => {
  const parsed: unknown = JSON.parse(decoder.decode(r.response.body) || '{}');
  return isJson(parsed) ? parsed : {};
};
const validation = <R>(answer: Answer<R>, message: string) =>
  answer(400, { __type: 'com.amazon.coral.validate#ValidationException', message });

interface Step {
  op: (typeof OPS)[keyof typeof OPS];
  request: Json;
  table: string;
  key: Json;
}

/** The single-item request of one action, with its item's key (the ledger's `pk`/`sk`, as Goldsmith's tables). */
function stepOf(action: unknown): Step | string {
  if (!isJson(action)) return 'each action must be an object';
  const kinds = Object.keys(action);
  const [kind] = kinds;
  if (kinds.length !== 1 || kind === undefined) return 'each action must name exactly one of Put, Update, Delete';
  if (kind === 'ConditionCheck') return 'ConditionCheck is not modelled by the local cloud';
  const op = OPS[kind as keyof typeof OPS];
  const request = action[kind];
  if (!op || !isJson(request)) return `unknown action ${kind}`;
  const { ReturnValuesOnConditionCheckFailure: _ignored, ...single } = request;
  const source = kind === 'Put' ? request.Item : request.Key;
  if (!isJson(source)) return `${kind} needs its ${kind === 'Put' ? 'Item' : 'Key'}`;
  const key = Object.fromEntries(Object.entries(source).filter(([name]) => name === 'pk' || name === 'sk'));
  return { op, request: single, table: String(request.TableName), key };
}

/** Runs one TransactWriteItems request through `run` (one operation as dynalite's server runs it). */
export async function transactWriteItems<R extends DynamoAnswer>(
  input: unknown,
  run: Run<R>,
  answer: Answer<R>,
): Promise<R> {
  const actions = isJson(input) && Array.isArray(input.TransactItems) ? input.TransactItems : [];
  if (actions.length < 1 || actions.length > MAX_ACTIONS) {
    return validation(answer, `TransactItems must hold 1 to ${MAX_ACTIONS} actions, not ${actions.length}`);
  }
  const steps: Step[] = [];
  for (const action of actions) {
    const step = stepOf(action);
    if (typeof step === 'string') return validation(answer, step);
    steps.push(step);
  }
  const ids = steps.map((s) => `${s.table}\n${JSON.stringify(s.key)}`);
  if (new Set(ids).size !== ids.length) {
    return validation(answer, 'Transaction request cannot include multiple operations on one item');
  }
  // Each item as it was, to put back if a later action fails.
  const before: (Json | undefined)[] = [];
  for (const s of steps) {
    const got = bodyOf(await run('GetItem', { TableName: s.table, Key: s.key, ConsistentRead: true }));
    before.push(isJson(got.Item) ? got.Item : undefined);
  }
  for (const [i, s] of steps.entries()) {
    const done = await run(s.op, { ...s.request, TableName: s.table });
    if (done.response.statusCode === 200) continue;
    for (const [j, undo] of steps.slice(0, i).entries()) {
      const item = before[j];
      await run(
        item ? 'PutItem' : 'DeleteItem',
        item ? { TableName: undo.table, Item: item } : { TableName: undo.table, Key: undo.key },
      );
    }
    const error = bodyOf(done);
    if (!String(error.__type ?? '').endsWith('ConditionalCheckFailedException')) return done;
    const reasons = steps.map((_, k) =>
      k === i ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' } : { Code: 'None' },
    );
    return answer(400, {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
      CancellationReasons: reasons,
    });
  }
  return answer(200, {});
}
