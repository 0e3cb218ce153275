import * as z from 'zod';
import { EventBridgeSchema } from './aws-envelopes.js';

/**
 * An EventBridge event of one source and detail-type: Powertools' `EventBridgeSchema` (version, id, account, time,
 * region, resources, detail) with `source` and `detail-type` pinned and `detail` typed.
 */
export function eventBridgeEvent<S extends string, D extends string, T extends z.ZodType>(
  source: S,
  detailType: D,
  detail: T,
) {
  return EventBridgeSchema.extend({
    source: z.literal(source),
    'detail-type': z.literal(detailType),
    detail,
  });
}

/** Account ids appear as 12-digit strings everywhere AWS writes them. */
export const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

/** An Image Builder image build version ARN: `arn:aws:imagebuilder:<region>:<account>:image/<name>/<x.y.z>/<build>`. */
export const imageBuildVersionArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:\d{12}:image\/[A-Za-z0-9-_]+\/\d+\.\d+\.\d+\/\d+$/,
    'must be an Image Builder image build version ARN (…:image/<name>/<x.y.z>/<build>)',
  );

export const amiId = z.string().regex(/^ami-[0-9a-f]{8,17}$/, 'must be an AMI id like "ami-0abc1234"');

/** Catalog image and channel names (the catalog schema's rule, repeated so events/ depends on nothing of ours). */
export const catalogName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, starting with a letter');

/** `1.0.0/3`: the recipe's semantic version and Image Builder's build number. */
export const imageVersion = z.string().regex(/^\d+\.\d+\.\d+\/\d+$/, 'must be "<x.y.z>/<build>", like "1.0.0/3"');

export const isoTime = z.iso.datetime({ offset: true });
