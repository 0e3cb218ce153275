import { StackStatus } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { STACK_STATES, stackAdvice, stackState } from '../../../core/preflight/stack-status.js';

describe("CloudFormation stack statuses as the next deploy reads them (preflight's release line)", () => {
  it('classifies every StackStatus of the SDK, and nothing else', () => {
    expect(Object.keys(STACK_STATES).sort()).toEqual(Object.values(StackStatus).sort());
    for (const status of Object.values(StackStatus)) {
      const state = stackState(status);
      expect(['settled', 'wait', 'act', 'delete'], status).toContain(state.kind);
      // Every status that refuses says what to do; a settled one has nothing to say.
      expect(state.advice === '', status).toBe(state.kind === 'settled');
    }
  });

  it('reads a failed update rolled back as settled, and every *_IN_PROGRESS as a wait', () => {
    const by = (kind: string) => Object.values(StackStatus).filter((s) => stackState(s).kind === kind);
    expect(by('settled').sort()).toEqual([
      'CREATE_COMPLETE',
      'DELETE_COMPLETE',
      'IMPORT_COMPLETE',
      'IMPORT_ROLLBACK_COMPLETE',
      'UPDATE_COMPLETE',
      'UPDATE_ROLLBACK_COMPLETE',
    ]);
    expect(by('wait')).toEqual(
      Object.values(StackStatus).filter((s) => s.endsWith('_IN_PROGRESS') && s !== 'REVIEW_IN_PROGRESS'),
    );
    expect(by('delete').sort()).toEqual([
      'DELETE_FAILED',
      'REVIEW_IN_PROGRESS',
      'ROLLBACK_COMPLETE',
      'ROLLBACK_FAILED',
    ]);
  });

  it('names the command for each status that needs one, with the stack and the Region', () => {
    const advice = (status: string) => stackAdvice(status, 'prod-goldsmith-Trust', 'eu-west-1');
    expect(advice('ROLLBACK_COMPLETE')).toContain(
      'aws cloudformation delete-stack --stack-name prod-goldsmith-Trust --region eu-west-1',
    );
    for (const status of ['UPDATE_ROLLBACK_FAILED', 'IMPORT_ROLLBACK_FAILED'])
      expect(advice(status)).toContain('aws cloudformation continue-update-rollback --stack-name prod-goldsmith-Trust');
    for (const status of ['CREATE_FAILED', 'UPDATE_FAILED'])
      expect(advice(status)).toContain('aws cloudformation rollback-stack --stack-name prod-goldsmith-Trust');
    expect(advice('DELETE_FAILED')).toContain('delete-stack');
    expect(advice('UPDATE_IN_PROGRESS')).toContain('wait');
  });

  it('fails closed on a status it does not know', () => {
    expect(stackState('SOME_NEW_STATE')).toMatchObject({ kind: 'act' });
    expect(stackState('toString')).toMatchObject({ kind: 'act' });
    expect(stackAdvice('SOME_NEW_STATE', 's', 'r')).toContain('describe-stack-events --stack-name s --region r');
  });
});
