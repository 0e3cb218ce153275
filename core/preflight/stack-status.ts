/**
 * What a CloudFormation stack status means for the next deploy, as AWS documents each status:
 * - `settled`: the stack rests on a template a deploy can update (the *_COMPLETE states RollbackStack calls "a last
 *   known stable state": CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, IMPORT_COMPLETE,
 *   IMPORT_ROLLBACK_COMPLETE; https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_RollbackStack.html).
 *   UPDATE_ROLLBACK_COMPLETE is a failed update rolled back: the previous template restored and kept until the next
 *   successful update.
 * - `wait`: an operation is under way (`*_IN_PROGRESS`): it ends on its own; re-run preflight then.
 * - `act`: the stack needs one command before a deploy can update it (the command is given).
 * - `delete`: the stack can only be deleted (a failed first create: "ROLLBACK_COMPLETE … can not be updated";
 *   a failed delete); the next deploy creates it again.
 * Stack status codes: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html#cfn-console-view-stack-data-resources-status-codes
 */
export type StackStateKind = 'settled' | 'wait' | 'act' | 'delete';

/** How the stage's deploy reads one status: its kind and, unless settled, what to do. */
export interface StackState {
  kind: StackStateKind;
  /** What the status means and what to do, with `{stack}` and `{region}` to fill in. */
  advice: string;
}

const WAIT: StackState = {
  kind: 'wait',
  advice: 'an operation is under way: wait for it to end, then re-run preflight',
};
const SETTLED: StackState = { kind: 'settled', advice: '' };
const cli = (command: string) => `aws cloudformation ${command} --stack-name {stack} --region {region}`;

/**
 * Every StackStatus of the CloudFormation API (DescribeStacks' `Stack.StackStatus`), classified.
 * test/unit/preflight/stack-status.test.ts holds it to the SDK's `StackStatus` enum: a status the SDK adds fails it
 * until it is classified here. https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html
 */
export const STACK_STATES: Readonly<Record<string, StackState>> = {
  CREATE_COMPLETE: SETTLED,
  UPDATE_COMPLETE: SETTLED,
  IMPORT_COMPLETE: SETTLED,
  IMPORT_ROLLBACK_COMPLETE: SETTLED,
  // A failed update rolled back: the previous template's resources, updatable again (fix, then deploy again).
  UPDATE_ROLLBACK_COMPLETE: SETTLED,
  // DescribeStacks without a name lists no deleted stack; a deleted one is as good as none: a deploy creates it.
  DELETE_COMPLETE: SETTLED,
  CREATE_IN_PROGRESS: WAIT,
  DELETE_IN_PROGRESS: WAIT,
  IMPORT_IN_PROGRESS: WAIT,
  IMPORT_ROLLBACK_IN_PROGRESS: WAIT,
  ROLLBACK_IN_PROGRESS: WAIT,
  UPDATE_IN_PROGRESS: WAIT,
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: WAIT,
  UPDATE_ROLLBACK_IN_PROGRESS: WAIT,
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: WAIT,
  // A change set created and never executed: the stack has no template yet. A deploy of its own creates one.
  REVIEW_IN_PROGRESS: {
    kind: 'delete',
    advice: `a change set was never executed (no template, no resources): unless a deploy is running now, delete it: ${cli('delete-stack')}`,
  },
  // "You can't update a stack that is in the UPDATE_ROLLBACK_FAILED state": continue the rollback to
  // UPDATE_ROLLBACK_COMPLETE, after fixing what its events name.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html
  UPDATE_ROLLBACK_FAILED: {
    kind: 'act',
    advice: `a failed update could not be rolled back: fix what its events name, then ${cli('continue-update-rollback')}`,
  },
  // The same for an import's rollback: the stack's events name the resource; continuing returns it to a stable state.
  IMPORT_ROLLBACK_FAILED: {
    kind: 'act',
    advice: `an import's rollback failed: fix what its events name (${cli('describe-stack-events')}), then ${cli('continue-update-rollback')}`,
  },
  // Operations run with rollback disabled stop here; RollbackStack returns the stack to its last stable state
  // ("Rolls back the specified stack to the last known stable state from CREATE_FAILED or UPDATE_FAILED").
  CREATE_FAILED: { kind: 'act', advice: `a create stopped without rolling back: ${cli('rollback-stack')}` },
  UPDATE_FAILED: { kind: 'act', advice: `an update stopped without rolling back: ${cli('rollback-stack')}` },
  // A failed first create rolled back ("Successful removal of one or more stacks after a failed stack creation",
  // AWS's status table as https://github.com/cfn-sphere/cfn-sphere/issues/28 quotes it): an update is refused ("is in
  // ROLLBACK_COMPLETE state and can not be updated", https://github.com/aws/serverless-application-model/issues/1534);
  // only deleting it lets the next deploy create it.
  ROLLBACK_COMPLETE: {
    kind: 'delete',
    advice: `a first create failed and was rolled back: such a stack can only be deleted (the next deploy creates it): ${cli('delete-stack')}`,
  },
  // A failed first create whose rollback failed too: "Delete the stack or view the stack events".
  ROLLBACK_FAILED: {
    kind: 'delete',
    advice: `a first create failed and its rollback too: delete it after fixing what its events name: ${cli('delete-stack')}`,
  },
  // A delete that failed leaves the stack half deleted: it can only be deleted again (after fixing what blocked it).
  DELETE_FAILED: {
    kind: 'delete',
    advice: `a delete failed: fix what its events name, then delete it again: ${cli('delete-stack')}`,
  },
};

/** The state of `status` for the next deploy; a status this code does not know is not settled (fails closed). */
export function stackState(status: string): StackState {
  if (Object.hasOwn(STACK_STATES, status)) return STACK_STATES[status] as StackState;
  return {
    kind: 'act',
    advice: `an unknown stack status: read its events before deploying: ${cli('describe-stack-events')}`,
  };
}

/** The advice for one stack, its name and Region filled in. */
export function stackAdvice(status: string, stack: string, region: string): string {
  return stackState(status).advice.replaceAll('{stack}', stack).replaceAll('{region}', region);
}
