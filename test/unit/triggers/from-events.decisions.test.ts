import { describe, expect, it } from 'vitest';
import { changeFromEvent } from '../../../core/triggers/from-events.js';
import { parseEvent } from '../../../events/registry.js';
import { codeArtifactEvent, envelope } from '../../handlers/start-builds-events.js';

const codeArtifact = (state: string, operation: string) =>
  changeFromEvent({
    kind: 'package-version-state-change',
    event: parseEvent('package-version-state-change', codeArtifactEvent('openssl', '3.0.16', state, operation)),
  });

describe('changeFromEvent: which CodeArtifact versions are releases', () => {
  it('builds on a published version, created or updated', () => {
    for (const operation of ['Created', 'Updated']) {
      expect(codeArtifact('Published', operation)).toMatchObject({
        kind: 'package',
        name: 'openssl',
        version: '3.0.16',
        source: 'codeartifact',
      });
    }
  });

  it('ignores an unfinished or unlisted version, and a published one being deleted', () => {
    expect(codeArtifact('Unfinished', 'Created')).toEqual({
      ignored: 'package openssl@3.0.16 is Unfinished (Created)',
    });
    expect(codeArtifact('Unlisted', 'Updated')).toEqual({ ignored: 'package openssl@3.0.16 is Unlisted (Updated)' });
    expect(codeArtifact('Published', 'Deleted')).toEqual({ ignored: 'package openssl@3.0.16 is Published (Deleted)' });
  });
});

describe('changeFromEvent: a CI package update', () => {
  it('carries no image filter when CI names none, so every image using the package is considered', () => {
    const event = parseEvent(
      'package-update',
      envelope('goldsmith.ci', 'Package Update', { package: 'openssl', version: '3.0.16' }),
    );
    const change = changeFromEvent({ kind: 'package-update', event });

    expect(change).toMatchObject({ kind: 'package', name: 'openssl', version: '3.0.16', source: 'ci' });
    expect(change).not.toHaveProperty('images');
  });
});
