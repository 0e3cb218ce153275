import type { OperatorExchange } from '../../local/simulator/operator.js';

/** What the endpoint answered, whichever way it was reached. */
export interface Answer {
  status: number;
  response: OperatorExchange['response'];
}
