import * as z from 'zod';
import { announce } from '../../aws/notifications.js';
import { markRetired } from '../../aws/promotion-findings.js';
import { getChannelPointer, listOutcomes } from '../../aws/promotion-ledger.js';
import { announcement } from '../../core/notifications/announce.js';
import { versionsBeyondRetention } from '../../core/promotion/naming.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput } from './schemas.js';

const retireSchema = z.object({
  image: z.string().min(1),
  plan: z.object({ retentionKeep: z.number().int().min(1), channels: z.array(z.object({ name: z.string() })) }),
});

/**
 * Retire: marks promoted builds beyond `retention.keep` (newest first) as retired in the ledger, sparing any build
 * a channel pointer still names. Deprecating or deregistering their AMIs is left to Image Builder lifecycle
 * policies (a later issue); this records the decision they will act on.
 */
export async function retire(input: unknown): Promise<{ retired: string[] }> {
  const { image, plan } = parseTaskInput(retireSchema, input, 'Retire');
  const promoted = (await listOutcomes(image)).filter((o) => o.outcome === 'promoted').map((o) => o.version);
  const pointers = await Promise.all(plan.channels.map((c) => getChannelPointer(image, c.name)));
  const held = new Set(pointers.flatMap((p) => (p ? [p.version] : [])));
  const at = new Date().toISOString();
  const retired: string[] = [];
  for (const version of versionsBeyondRetention(promoted, plan.retentionKeep)) {
    if (held.has(version)) continue;
    if (await markRetired(image, version, at)) {
      retired.push(version);
      await announce(
        announcement(
          'retired',
          { image, version },
          { reason: `beyond retention: the ${plan.retentionKeep} newest promoted versions are kept` },
          { at },
        ),
      );
    }
  }
  return { retired };
}

export const handler = taskHandler('promotion-retire', retire);
