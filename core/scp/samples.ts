/**
 * The resources the service control policy's samples name (pure): each statement's requests an outsider would send.
 * Part of the policy core/scp/statements.ts writes.
 */
import { stackName, synthesizedFunctionName } from './names.js';

/** Sample resources, as the stacks name them in `region` of `account` (concrete where the policy has `*`). */
export function sampleResources(stage: string, account: string, region: string) {
  const acct = account === '*' ? '123456789012' : account;
  const at = (service: string, rest: string) => `arn:aws:${service}:${region}:${acct}:${rest}`;
  return {
    account: acct,
    function: at('lambda', `function:${synthesizedFunctionName(stage, 'Trust', 'Operator')}`),
    // A function no other statement holds invocation of (the operator doors have statements of their own).
    publisher: at('lambda', `function:${synthesizedFunctionName(stage, 'Promotion', 'PromotionPublish')}`),
    role: `arn:aws:iam::${acct}:role/${stage}-goldsmith-Promotion-ReconcileSchedulerRole`,
    pointer: at('ssm', 'parameter/goldsmith/base/prod'),
    release: at('ssm', `parameter/goldsmith-release/${stage}`),
    revocationSchedule: at('scheduler', `schedule/goldsmith-${stage}-revocations/revoke-base-1-0-0-1`),
    fixedSchedule: at('scheduler', `schedule/${stackName(stage, 'Promotion')}/reconcile`),
    forwardingRule: at('events', `rule/${stage}-goldsmith-findings-to-home`),
    homeRule: at('events', `rule/${stackName(stage, 'Promotion')}-ImageStateRule`),
    notifications: at('sns', `goldsmith-${stage}-notifications`),
    approvalLinks: at('sns', `goldsmith-${stage}-approval-links`),
    deadLetters: at('sqs', `${stackName(stage, 'Promotion')}-ReconcileDlq`),
    ledger: at('dynamodb', `table/goldsmith-${stage}-ledger`),
    linkKey: at('secretsmanager', `secret:goldsmith/${stage}/approval-links-AbCdEf`),
    decisionKey: at('secretsmanager', `secret:goldsmith/${stage}/approval-decisions-AbCdEf`),
    ami: `arn:aws:ec2:${region}::image/ami-0123456789abcdef0`,
    promotion: at('states', 'stateMachine:PromotionStateMachine1A2B3C4D-AbCdEf123456'),
    promotionExecution: at('states', 'execution:PromotionStateMachine1A2B3C4D-AbCdEf123456:run-1'),
    stack: at('cloudformation', `stack/${stackName(stage, 'Promotion')}/0a1b2c3d`),
    otherStack: at('cloudformation', 'stack/someone-elses-stack/0a1b2c3d'),
    alarm: at('cloudwatch', `alarm:${stackName(stage, 'Monitoring')}-DeadLetters`),
    cfnExecRole: `arn:aws:iam::${acct}:role/cdk-hnb659fds-cfn-exec-role-${acct}-${region}`,
  };
}
