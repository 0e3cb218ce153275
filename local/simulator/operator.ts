import type { Catalog } from '../../core/config/schema.js';
import { iamRefusalText } from '../../core/trust/refusal-text.js';
import { invokeOperatorUrl, operatorFunctionArn, operatorsRoleArn } from '../trust/operator-url.js';
import type { LocalCloud } from './cloud.js';

/** One operator request sent during a run, and what the endpoint answered. */
export interface OperatorExchange {
  /** The scenario event's id, when it named one (an acting command's journaled request). */
  id?: string;
  at: string;
  principal: string;
  request: Record<string, unknown>;
  status: number;
  response: { ok: boolean; error?: string; action?: string; result?: Record<string, unknown> };
}

/**
 * Sends operator requests to the operator endpoint in process, as AWS would after checking the SigV4 signature of
 * `principal`: the same function, the same authorization, the same paths as a deployed stage.
 */
export class LocalOperatorEndpoint {
  /** Answered exchanges in the order their requests were sent (not the order they finished). */
  private readonly slots: (OperatorExchange | undefined)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly cloud: LocalCloud) {}

  /** The exchanges answered so far, in the order their requests were sent. */
  get exchanges(): OperatorExchange[] {
    return this.slots.filter((e): e is OperatorExchange => e !== undefined);
  }

  /** Takes the exchanges a saved cloud's endpoint had answered: this one goes on after them. */
  restore(exchanges: readonly OperatorExchange[]): void {
    if (this.slots.length > 0) throw new Error('the operator endpoint restores only before any request');
    this.slots.push(...exchanges);
  }

  /** Resolves once every request sent so far has been answered (for a run that must not stop half-way). */
  answered(): Promise<unknown> {
    return Promise.all([...this.inFlight]);
  }

  /** The endpoint's ARN, or undefined when this version of the stacks has none. */
  arn(): string | undefined {
    return operatorFunctionArn(this.cloud);
  }

  /** Sends `request` signed as `principal` (the CLI assumes the operators' role first, as `invokeOperatorUrl` models). */
  send(request: Record<string, unknown>, principal: string, id?: string): Promise<OperatorExchange> {
    // The slot is taken when the request is sent: a request answered later (its work waited on the clock) still
    // keeps its place, and the record never confuses one request's answer with another's.
    const slot = this.slots.length;
    this.slots.push(undefined);
    const pending = this.exchange(request, principal, id).then((exchange) => {
      this.slots[slot] = exchange;
      return exchange;
    });
    this.inFlight.add(pending);
    const forget = () => this.inFlight.delete(pending);
    pending.then(forget, forget);
    return pending;
  }

  private async exchange(request: Record<string, unknown>, principal: string, id?: string): Promise<OperatorExchange> {
    const at = this.cloud.clock.date().toISOString();
    let exchange: OperatorExchange;
    if (this.arn() === undefined) {
      exchange = {
        at,
        principal,
        request,
        status: 501,
        response: {
          ok: false,
          error: 'this deployment has no operator endpoint yet (functions/operator.ts)',
        },
      };
    } else {
      const reply = await invokeOperatorUrl(this.cloud, { as: principal, body: request });
      const body = reply.body as OperatorExchange['response'] & { Message?: string };
      exchange = {
        at,
        principal: reply.signedAs ?? principal,
        request,
        status: reply.status,
        // A refusal by IAM before the function runs carries only AWS's `{"Message":"Forbidden"}`.
        response:
          typeof body.ok === 'boolean'
            ? body
            : {
                ok: false,
                error: iamRefusalText(reply.signedAs ?? principal),
              },
      };
    }
    return id === undefined ? exchange : { id, ...exchange };
  }
}

/**
 * Who a scenario's operator actions come from unless they say: the catalog's first operator, or — when it names none
 * and only the account's administrators may assume the operators' role — that role itself (an administrator's session).
 */
export function scenarioOperator(cloud: LocalCloud, catalog: Catalog): string {
  const role = catalog.access.operators[0] ?? operatorsRoleArn(cloud);
  if (!role) throw new Error('the stacks define no operators role and the catalog names no operator principal');
  return role;
}

export { defaultOperator, principalOf } from '../trust/operator-signer.js';

/**
 * The timeline's line for an acting command's request (`goldsmith approve …` on a saved cloud, journaled and sent at
 * its instant): what it asked, as whom (the session's name, the role's when it has none) and the endpoint's answer.
 */
export function actingCommandText(request: Record<string, unknown>, exchange: OperatorExchange): string {
  const what = ['image', 'version', 'channel']
    .map((k) => request[k])
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .join(' ');
  const parts = exchange.principal.split('/');
  const who = parts.length >= 3 && parts[2] !== 'goldsmith-cli' ? parts[2] : (parts[1] ?? exchange.principal);
  const answer = exchange.response.ok ? 'done' : `refused: ${exchange.response.error ?? 'no reason given'}`;
  return `goldsmith ${String(request.action)}${what ? ` ${what}` : ''} as ${who} (operator endpoint, ${exchange.status}): ${answer}`;
}
