import type { FakeCall, FakeService } from '../fakes/common.js';
import { NotImplementedByFakeError } from '../fakes/common.js';
import type { LocalStepFunctions } from './engine.js';

/** The Step Functions API as SDK calls see it, served by the local engine. */
export class StepFunctionsFake implements FakeService {
  constructor(private readonly engine: LocalStepFunctions) {}

  handle(call: FakeCall): unknown {
    const input = call.input as Record<string, string | undefined>;
    switch (call.action) {
      case 'StartExecution': {
        const started = this.engine.startExecution({
          stateMachineArn: input.stateMachineArn,
          name: input.name,
          input: input.input,
        });
        return started;
      }
      case 'DescribeExecution': {
        const e = this.engine.describeExecution(input.executionArn ?? '');
        return {
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: e.startDate,
          stopDate: e.stopDate,
          input: e.input,
          output: e.output,
          error: e.error,
          cause: e.cause,
        };
      }
      case 'SendTaskSuccess':
        this.engine.sendTaskSuccess(input.taskToken ?? '', input.output ?? '{}');
        return {};
      case 'SendTaskFailure':
        this.engine.sendTaskFailure(input.taskToken ?? '', input.error, input.cause);
        return {};
      case 'SendTaskHeartbeat':
        this.engine.sendTaskHeartbeat(input.taskToken ?? '');
        return {};
      default:
        throw new NotImplementedByFakeError('sfn', call.action);
    }
  }
}
