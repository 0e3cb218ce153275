import type { ImageFacts } from '../../aws/promotion/promotion-images.js';
import { recordContent } from '../../aws/sbom/content-records.js';
import { contentOfBuild } from '../../core/sbom/build-content.js';
import type { RecordedContent } from '../../core/sbom/ledger-content.js';
import { logger } from '../lib/powertools.js';

/**
 * Records what an AVAILABLE build is made of (`CONTENT#<version>`: recipe, parent, components, where its packages
 * come from), from the GetImage answer on-image-event (or the reconciler, for a missed AVAILABLE) already read.
 * A recipe GetImage does not give is logged and nothing is recorded (an approval then says the content is unknown);
 * a failed write throws, so the event is retried (everything before is idempotent).
 * @returns the content recorded, or undefined when there was none to record.
 */
export async function keepContent(
  build: { image: string; version: string; buildVersionArn: string; at: string },
  facts: ImageFacts,
): Promise<RecordedContent | undefined> {
  let content: RecordedContent;
  try {
    content = contentOfBuild({
      ...build,
      kind: facts.recipe?.kind ?? (facts.containerUris.length > 0 ? 'container' : 'ami'),
      builtAt: build.at,
      recipe: facts.recipe,
    });
  } catch (error) {
    logger.warn('content not recorded', { image: build.image, version: build.version, error: String(error) });
    return undefined;
  }
  await recordContent(content);
  return content;
}
