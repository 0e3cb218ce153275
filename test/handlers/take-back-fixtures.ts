import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach } from 'vitest';
import { rolloutTakeBackExecutionName } from '../../core/rollout/request.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  loadedInLedger,
  movedInLedger,
  PREVIOUS,
  PREVIOUS_AMI,
  pointAt,
  REGION,
  REST,
  useRolloutWorld,
  WAVE1,
} from './rollout-fixtures.js';

/** When the take-back tests revoke the rolled-out version. */
export const REVOKED_AT = '2027-01-09T00:00:00Z';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:goldsmith-test-rollout';
/** The name of the rollout's take-back execution. */
export const TAKE_BACK_NAME = rolloutTakeBackExecutionName(INPUT.image, INPUT.channel, INPUT.version);

/**
 * A take-back test's world, on top of `useRolloutWorld`'s, reset before each test: Step Functions starts an execution
 * name once (a second start of it meets ExecutionAlreadyExists, as Step Functions answers a name already used with
 * another start) and describes every execution RUNNING with the rollout's input; a group in each of the three waves'
 * accounts follows the channel; the previous version is loaded and was the channel's before the rollout's; the
 * channel's pointer names `pointer`. `more` adds what a file needs besides (another group). Returns the Step
 * Functions stub and the execution names started in the current test.
 */
export function useTakeBackWorld(pointer: string, more: () => void = () => undefined) {
  useRolloutWorld();
  const sfn = mockClient(SFNClient);
  const started: string[] = [];
  beforeEach(async () => {
    process.env.ROLLOUT_STATE_MACHINE_ARN = MACHINE;
    started.length = 0;
    sfn.on(StartExecutionCommand).callsFake((i: { name: string }) => {
      if (started.includes(i.name)) throw Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' });
      started.push(i.name);
      return { executionArn: `${MACHINE}:${i.name}`, startDate: new Date(Date.parse(REVOKED_AT) + 1000) };
    });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', input: JSON.stringify(INPUT) });
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    more();
    await loadedInLedger(PREVIOUS, [{ region: REGION, imageId: PREVIOUS_AMI }]);
    await movedInLedger(INPUT.channel, PREVIOUS, { [REGION]: PREVIOUS_AMI });
    await pointAt(INPUT.version, pointer);
  });
  afterEach(() => {
    sfn.reset();
    delete process.env.ROLLOUT_STATE_MACHINE_ARN;
  });
  return { sfn, started };
}
