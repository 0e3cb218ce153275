import { type App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';

/** What the dashboard and the alarms watch, found in every stack of the app (so a queue added later is covered). */
export interface Watched {
  /** Every SQS queue Goldsmith creates: each one is a dead-letter queue. */
  queues: { id: string; queue: sqs.Queue }[];
  /** Every Lambda function except CDK's own helpers (log retention, custom resources). */
  functions: { id: string; fn: lambda.Function }[];
  stateMachines: { id: string; machine: sfn.StateMachine }[];
}

const idOf = (c: IConstruct) => `${Stack.of(c).node.id}${c.node.id}`;

/** A helper CDK or SST adds (a singleton provider), not one of our handlers: no business alarms on it. */
function isHelper(fn: lambda.Function): boolean {
  return fn instanceof lambda.SingletonFunction || /LogRetention|Provider|CustomResource|AWS\d/i.test(fn.node.id);
}

/** Walks every stack of `app` defined so far. */
export function discoverWatched(app: App): Watched {
  const watched: Watched = { queues: [], functions: [], stateMachines: [] };
  for (const child of app.node.children) {
    if (!(child instanceof Stack)) continue;
    for (const c of child.node.findAll()) {
      if (c instanceof sqs.Queue) watched.queues.push({ id: idOf(c), queue: c });
      else if (c instanceof lambda.Function && !isHelper(c)) watched.functions.push({ id: idOf(c), fn: c });
      else if (c instanceof sfn.StateMachine) watched.stateMachines.push({ id: idOf(c), machine: c });
    }
  }
  return watched;
}
