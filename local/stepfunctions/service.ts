import { approvalIdFor } from '../../core/promotion/approval-link.js';
import type { FakeCall, FakeService } from '../fakes/common.js';
import { NotImplementedByFakeError } from '../fakes/common.js';
import type { LocalStepFunctions } from './engine.js';

/** The Step Functions API as SDK calls see it, served by the local engine. */
export class StepFunctionsFake implements FakeService {
  constructor(
    private readonly engine: LocalStepFunctions,
    /** Told when a task token is answered, with the work key `deferredWork` gave its failed calls. */
    private readonly onAnswered: (work: string) => void = () => undefined,
  ) {}

  /** An approval decision SendTask could not deliver is held-up work until Step Functions takes it. */
  deferredWork(call: FakeCall): string | undefined {
    const token = (call.input as { taskToken?: unknown }).taskToken;
    return typeof token === 'string' && call.action.startsWith('SendTask')
      ? `approval:${approvalIdFor(token)}`
      : undefined;
  }

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
        this.answered(call);
        return {};
      case 'SendTaskFailure':
        this.engine.sendTaskFailure(input.taskToken ?? '', input.error, input.cause);
        this.answered(call);
        return {};
      case 'SendTaskHeartbeat':
        this.engine.sendTaskHeartbeat(input.taskToken ?? '');
        return {};
      default:
        throw new NotImplementedByFakeError('sfn', call.action);
    }
  }

  private answered(call: FakeCall): void {
    const work = this.deferredWork(call);
    if (work) this.onAnswered(work);
  }
}
