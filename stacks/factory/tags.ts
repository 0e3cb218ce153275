import { NAME_PREFIX } from '../names.js';

/** The tag Goldsmith sets on every AMI its distributions create (`AmiTags`), and on nothing it did not make. */
export const MANAGED_BY_TAG = `${NAME_PREFIX}:managed-by`;

/**
 * The condition that holds an EC2 write to Goldsmith's own AMIs: the image must carry the tag Image Builder's
 * distribution set when it created it. ModifyImageAttribute, EnableImageDeprecation, DeregisterImage and CreateTags
 * on an image all take `aws:ResourceTag/${TagKey}` (Service Authorization Reference, Amazon EC2:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html), so an AMI of the
 * account that Goldsmith did not build is refused, whatever its id.
 */
export const GOLDSMITH_IMAGE_CONDITION = { StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: NAME_PREFIX } };

/** Tags on every Image Builder resource and output of an image, so humans and lifecycle rules can find them. */
export function goldsmithTags(image: string): Record<string, string> {
  return { [`${NAME_PREFIX}:image`]: image, [MANAGED_BY_TAG]: NAME_PREFIX };
}
