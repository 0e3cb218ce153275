import { markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import { getChannelPointers } from '../../aws/promotion/channel-pointers.js';
import {
  parseDigestUri,
  putTagBack,
  readRepositoryPolicy,
  tagDigest,
  writeRepositoryPolicy,
} from '../../aws/promotion/ecr.js';
import { recordedPointerRegions } from '../../aws/promotion/pointer-history.js';
import { moveRecordOf } from '../../core/audit/pointers.js';
import { guardScopeOf, withGuardStatements } from '../../core/promotion/repository-guard.js';
import { logger } from '../lib/powertools.js';
import { type AuditPart, announceFinding, emptyPart, failed, messageOf } from './report.js';

type Plan = { image: string; channels: readonly { name: string }[] };

/**
 * The daily read-back of the container channels' tags and their repositories' guard. A container channel is its
 * tag: consumers pulling `<repository>:<channel>` run whatever image the tag names, while the pointer and the ledger
 * name the digest Publish moved it to (its `POINTER#` record, written once Parameter Store confirmed the pointer).
 * For every channel whose move is recorded, in every Region of it, the tag is read (BatchGetImage); a tag that names
 * another image, or none, is recorded (`DRIFT#channel-tag#…`), put back on the recorded digest by manifest (PutImage),
 * read back, and announced: critical when it cannot be put back (the image was deleted). A move in its first hour
 * that Publish has not recorded is left to Publish. Each repository's policy is read once: the guard's Deny
 * statements (core/promotion/repository-guard.ts) missing or changed are written back, every other statement kept,
 * and announced. One channel's failure stops no other.
 */
export async function auditChannelTags(
  plans: readonly Plan[],
  now: Date,
  stage = process.env.GOLDSMITH_STAGE,
): Promise<AuditPart> {
  const part = emptyPart();
  const at = now.toISOString();
  const guarded = new Set<string>();
  for (const plan of plans) {
    let expected: { channel: string; version: string; region: string; value: string }[];
    try {
      const held = (
        await getChannelPointers(
          plan.image,
          plan.channels.map((c) => c.name),
        )
      ).flatMap((p) => (p && p.amis.length === 0 ? [p] : []));
      // A move still settling that Publish has not recorded is Publish's to finish.
      const settled = held.filter((p) => moveRecordOf(p, now) !== 'in-flight');
      const regions = await recordedPointerRegions(plan.image, settled);
      expected = settled.flatMap((p) =>
        (regions.get(p.channel) ?? []).map((r) => ({
          channel: p.channel,
          version: p.version,
          region: r.region,
          value: r.value,
        })),
      );
      part.reads += regions.size > 0 ? 1 : 0;
    } catch (error) {
      failed(part, `${plan.image}: the ledger's container channels: ${messageOf(error)}`, error);
      continue;
    }
    for (const e of expected) {
      const parsed = parseDigestUri(e.value);
      if (!parsed) continue;
      const { ref, digest } = parsed;
      part.checked++;
      try {
        const key = `${ref.region}|${ref.repository}`;
        if (!guarded.has(key)) {
          guarded.add(key);
          await checkGuard(part, plan.image, ref, stage, at);
        }
        part.reads++;
        const found = await tagDigest(ref, e.channel);
        if (found === digest) continue;
        await putBack(part, { image: plan.image, ...e, ref, digest, found }, at);
      } catch (error) {
        failed(part, `${plan.image} ${e.channel} ${e.region}: ${messageOf(error)}`, error);
      }
    }
  }
  return part;
}

/** Records a moved channel tag, puts it back on the recorded digest, reads it back and announces it. */
async function putBack(
  part: AuditPart,
  d: {
    image: string;
    channel: string;
    version: string;
    region: string;
    ref: NonNullable<ReturnType<typeof parseDigestUri>>['ref'];
    digest: string;
    found: string | undefined;
  },
  at: string,
): Promise<void> {
  const name = `${d.ref.repository}:${d.channel}`;
  const sk = `DRIFT#channel-tag#${d.channel}#${d.region}#${d.found ?? 'absent'}@${at.slice(0, 10)}`;
  const finding = {
    resource: 'channel-tag' as const,
    image: d.image,
    channel: d.channel,
    version: d.version,
    region: d.region,
    name,
    found: d.found ? `${name} names ${d.found}` : `${name} names no image`,
    expected: `${name} names ${d.digest} (${d.version})`,
  };
  logger.error("a container channel's tag names another image than its pointer; putting it back", { ...finding });
  await recordDrift({ ...finding, sk, action: `put ${name} back on ${d.digest}`, foundAt: at });
  const back = await putTagBack(d.ref, d.digest, d.channel);
  part.reads++;
  const repaired = back !== 'gone' && back.now === d.digest;
  const action =
    back === 'gone'
      ? `could not put it back: ${d.ref.repository} in ${d.region} no longer holds ${d.digest} (deleted); roll the channel back or promote a build again`
      : repaired
        ? `put ${name} back on ${d.digest}, confirmed by BatchGetImage`
        : `put ${name} back on ${d.digest}; BatchGetImage reads ${back.now ?? 'no image'}, checked again on the next pass`;
  if (repaired) await markDriftRepaired(d.image, sk, at, `${name} names ${d.digest}`);
  const full = { ...finding, action, repaired };
  part.findings.push(full);
  // Critical whatever the outcome: until now consumers pulling the tag ran an image nobody promoted.
  await announceFinding(full, sk, at, 'critical');
}

/** Writes the repository's guard back where its statements are missing or changed (`stage` names the roles). */
async function checkGuard(
  part: AuditPart,
  image: string,
  ref: NonNullable<ReturnType<typeof parseDigestUri>>['ref'],
  stage: string | undefined,
  at: string,
): Promise<void> {
  const scope = guardScopeOf(
    `arn:aws:ecr:${ref.region}:${ref.registryId}:repository/${ref.repository}`,
    ref.registryId,
    stage,
  );
  if (!scope) return;
  part.reads++;
  const current = await readRepositoryPolicy(ref);
  const next = withGuardStatements(current, scope);
  if (!next) return;
  const sk = `DRIFT#repository-policy#${ref.region}#${ref.repository}@${at.slice(0, 10)}`;
  const finding = {
    resource: 'repository-policy' as const,
    image,
    region: ref.region,
    name: ref.repository,
    found: current ? `a policy without Goldsmith's guard statements as written` : 'no repository policy',
    expected: "the guard's Deny statements (GoldsmithOnlyImages, GoldsmithOnlySettings)",
  };
  await recordDrift({ ...finding, sk, action: 'write the guard back', foundAt: at });
  await writeRepositoryPolicy(ref, next);
  const after = await readRepositoryPolicy(ref);
  part.reads++;
  const repaired = withGuardStatements(after, scope) === undefined;
  if (repaired) await markDriftRepaired(image, sk, at, 'the guard is in the policy');
  const full = {
    ...finding,
    action: repaired ? 'wrote the guard back, confirmed by GetRepositoryPolicy' : 'wrote the guard back; not read yet',
    repaired,
  };
  part.findings.push(full);
  await announceFinding(full, sk, at, current ? 'critical' : undefined);
}
