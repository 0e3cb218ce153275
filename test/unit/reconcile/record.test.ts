import { describe, expect, it } from 'vitest';
import { reconciledRecord, reconciledSk } from '../../../core/reconcile/index.js';

describe('reconciledRecord', () => {
  it('says which status was missed, how, what was done and when', () => {
    const build = { image: 'base', version: '1.0.0/3', buildVersionArn: 'arn:build' };

    const record = reconciledRecord(build, 'AVAILABLE', 'event', 'promotion-started', new Date('2027-02-15T12:00:00Z'));

    expect(record).toEqual({
      kind: 'reconciled',
      image: 'base',
      version: '1.0.0/3',
      buildVersionArn: 'arn:build',
      status: 'AVAILABLE',
      missed: 'event',
      result: 'promotion-started',
      at: '2027-02-15T12:00:00.000Z',
    });
  });
});

describe('reconciledSk', () => {
  it('keys one record per build and status, apart from the build record', () => {
    expect(reconciledSk('1.0.0/3', 'FAILED')).toBe('RECONCILED#1.0.0/3#FAILED');
    expect(reconciledSk('1.0.0/3', 'FAILED')).not.toBe(reconciledSk('1.0.0/3', 'AVAILABLE'));
  });
});
