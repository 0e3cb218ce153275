import { describe, expect, it } from 'vitest';
import {
  amiKeyAliasName,
  amiName,
  buildLogPrefix,
  channelParameterName,
  channelParentImage,
  containerRepositoryName,
  ledgerTableName,
  NAME_PREFIX,
  pipelineName,
  pointerShareName,
} from '../../../core/names.js';

describe('physical names', () => {
  it('are the names the stacks create and the functions address', () => {
    expect(NAME_PREFIX).toBe('goldsmith');
    expect(pipelineName('base')).toBe('goldsmith-base');
    expect(channelParameterName('base', 'prod')).toBe('/goldsmith/base/prod');
    expect(channelParentImage('base', 'prod')).toBe('ssm:/goldsmith/base/prod');
    expect(ledgerTableName('prod')).toBe('goldsmith-prod-ledger');
    expect(amiKeyAliasName('prod')).toBe('alias/goldsmith/prod/ami');
    expect(containerRepositoryName('web')).toBe('goldsmith/web');
    expect(containerRepositoryName('web', 'team/web')).toBe('team/web');
    expect(amiName('base')).toBe('goldsmith-base-{{ imagebuilder:buildDate }}');
    expect(buildLogPrefix('base')).toBe('build-logs/base');
    expect(pointerShareName('prod')).toBe('goldsmith-pointers-prod');
  });
});
