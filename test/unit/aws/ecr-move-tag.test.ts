import { BatchGetImageCommand, ECRClient, ImageAlreadyExistsException, PutImageCommand } from '@aws-sdk/client-ecr';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelTagNotMovedError, moveTag } from '../../../aws/promotion/ecr.js';
import { mockClient } from '../../helpers/mock-client.js';

const REF = { registryId: '123456789012', region: 'us-east-1', repository: 'golden/web-runtime', tag: '1.0.0-2' };
const BUILD = `sha256:${'b'.repeat(64)}`;
const OLD = `sha256:${'a'.repeat(64)}`;
const image = (tag: string, digest: string) => ({
  imageId: { imageTag: tag, imageDigest: digest },
  imageManifest: `{"digest":"${digest}"}`,
  imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
});

describe('moveTag reads the channel tag back before it says the tag moved', () => {
  const ecr = mockClient(ECRClient);
  afterEach(() => ecr.reset());

  it('does not take ImageAlreadyExistsException for a move while the tag still names another image', async () => {
    ecr
      .on(BatchGetImageCommand)
      .resolvesOnce({ images: [image('1.0.0-2', BUILD), image('prod', OLD)] })
      .resolves({ images: [image('prod', OLD)] });
    ecr.on(PutImageCommand).rejects(new ImageAlreadyExistsException({ message: 'already exists', $metadata: {} }));

    const moving = moveTag(REF, 'prod');

    await expect(moving).rejects.toBeInstanceOf(ChannelTagNotMovedError);
    await expect(moving).rejects.toThrow(`tag prod names ${OLD} after the move, not ${BUILD}`);
  });

  it('takes ImageAlreadyExistsException for a retry when the tag reads the build’s digest', async () => {
    ecr
      .on(BatchGetImageCommand)
      .resolvesOnce({ images: [image('1.0.0-2', BUILD), image('prod', OLD)] })
      .resolves({ images: [image('prod', BUILD)] });
    ecr.on(PutImageCommand).rejects(new ImageAlreadyExistsException({ message: 'already exists', $metadata: {} }));

    await expect(moveTag(REF, 'prod')).resolves.toEqual({ digest: BUILD, moved: true });
    expect(ecr.commandCalls(BatchGetImageCommand)).toHaveLength(2);
  });
});
