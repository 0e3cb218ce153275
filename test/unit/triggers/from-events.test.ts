import { describe, expect, it } from 'vitest';
import { changeFromEvent } from '../../../core/triggers/from-events.js';
import { parseEvent } from '../../../events/registry.js';
import { codeArtifactEvent, envelope } from '../../handlers/start-builds-events.js';

describe('changeFromEvent', () => {
  it('reads a scheduled build window as the scheduled time', () => {
    const event = parseEvent('scheduled-build', { image: 'base', window: '2027-01-14T03:00:00Z' });
    expect(changeFromEvent({ kind: 'scheduled-build', event })).toEqual({
      kind: 'schedule',
      image: 'base',
      scheduledTime: '2027-01-14T03:00:00Z',
    });
  });

  it("takes the watcher's current AMI as the base-image change", () => {
    const event = parseEvent(
      'base-image-changed',
      envelope('goldsmith', 'Base Image Changed', {
        parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        previous: 'ami-0aaaaaaaaaaaaaaaa',
        current: 'ami-0bbbbbbbbbbbbbbbb',
        region: 'us-east-1',
        observedAt: '2027-01-20T09:00:00Z',
      }),
    );
    expect(changeFromEvent({ kind: 'base-image-changed', event })).toMatchObject({
      kind: 'base-image',
      amiId: 'ami-0bbbbbbbbbbbbbbbb',
    });
  });

  it("keeps CI's image filter on a package update", () => {
    const event = parseEvent(
      'package-update',
      envelope('goldsmith.ci', 'Package Update', { package: 'openssl', version: '3.0.16', images: ['app'] }),
    );
    expect(changeFromEvent({ kind: 'package-update', event })).toMatchObject({
      kind: 'package',
      name: 'openssl',
      source: 'ci',
      images: ['app'],
    });
  });

  it('ignores a CodeArtifact version that is being deleted', () => {
    const event = parseEvent(
      'package-version-state-change',
      codeArtifactEvent('openssl', '3.0.16', 'Disposed', 'Deleted'),
    );
    expect(changeFromEvent({ kind: 'package-version-state-change', event })).toEqual({
      ignored: 'package openssl@3.0.16 is Disposed (Deleted)',
    });
  });

  it('turns a promotion into a cascade from that parent and channel', () => {
    const event = parseEvent(
      'image-promoted',
      envelope('goldsmith', 'Image Promoted', {
        image: 'base',
        version: '1.0.0/4',
        buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/4',
        channel: 'staging',
        amis: [{ region: 'us-east-1', imageId: 'ami-0123456789abcdef0' }],
        promotedAt: '2027-01-16T00:00:00Z',
      }),
    );
    expect(changeFromEvent({ kind: 'image-promoted', event })).toEqual({
      kind: 'cascade',
      parent: 'base',
      channel: 'staging',
      buildVersion: '1.0.0/4',
      promotedAt: '2027-01-16T00:00:00Z',
    });
  });
});
