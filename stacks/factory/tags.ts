import { NAME_PREFIX } from '../names.js';

/** Tags on every Image Builder resource and output of an image, so humans and lifecycle rules can find them. */
export function goldsmithTags(image: string): Record<string, string> {
  return { [`${NAME_PREFIX}:image`]: image, [`${NAME_PREFIX}:managed-by`]: NAME_PREFIX };
}
