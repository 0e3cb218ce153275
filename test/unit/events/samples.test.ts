import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, type EventKind, schemaFor } from '../../../events/catalog.js';
import { classifyEvent } from '../../../events/registry.js';
import { sample, setAt } from './samples.js';

/** For each kind: a required field, a broken value for it, and the path the reason must name. */
const breakages: Record<EventKind, { path: string; value: unknown; reason: string }> = {
  'image-state-change': {
    path: 'detail.state.status',
    value: 'DONE',
    reason: 'detail.state.status: expected one of PENDING',
  },
  'image-cve-detected': {
    path: 'detail.finding-severity-counts.critical',
    value: -1,
    reason: 'detail.finding-severity-counts.critical:',
  },
  'image-pipeline-auto-disabled': {
    path: 'detail.consecutive-failures',
    value: 'five',
    reason: 'detail.consecutive-failures:',
  },
  'inspector-finding': {
    path: 'detail.severity',
    value: 'SEVERE',
    reason: 'detail.severity: expected one of INFORMATIONAL',
  },
  'package-version-state-change': {
    path: 'detail.packageVersionState',
    value: undefined,
    reason: 'detail.packageVersionState:',
  },
  'package-update': { path: 'detail.package', value: undefined, reason: 'detail.package:' },
  'image-promoted': {
    path: 'detail.amis',
    value: [{ region: 'us-east-1', imageId: 'i-123' }],
    reason: 'detail.amis[0].imageId:',
  },
  'base-image-changed': { path: 'detail.current', value: 'latest', reason: 'detail.current: must be an AMI id' },
  'image-rejected': { path: 'detail.version', value: '1.0.0', reason: 'detail.version: must be "<x.y.z>/<build>"' },
  'image-revoked': { path: 'detail.revokedAt', value: 'yesterday', reason: 'detail.revokedAt:' },
  'image-rebuild-requested': { path: 'detail.requestId', value: undefined, reason: 'detail.requestId:' },
  'scheduled-build': { path: 'window', value: 'monday', reason: 'window:' },
  'amazon-linux-ami-update': {
    path: 'Records.0.Sns.Message',
    value: '',
    reason: 'Records[0].Sns.Message: must not be empty',
  },
};

describe('event samples', () => {
  it.each(EVENT_KINDS)('parses the %s sample with its own schema', (kind) => {
    expect(schemaFor(kind).safeParse(sample(kind)).success).toBe(true);
  });

  it.each(EVENT_KINDS)('classifies the %s sample as that known, valid kind', (kind) => {
    expect(classifyEvent(sample(kind))).toMatchObject({ known: true, valid: true, kind });
  });

  it.each(EVENT_KINDS)('rejects a %s sample with a broken required field, naming its path', (kind) => {
    const { path, value, reason } = breakages[kind];
    const result = classifyEvent(setAt(sample(kind), path, value));
    expect(result).toMatchObject({ known: true, valid: false, kind });
    expect(result.known && !result.valid ? result.reason : '').toContain(reason);
  });
});
