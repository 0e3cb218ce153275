import type { Catalog } from '../config/schema.js';
import type { LedgerItem } from '../status/image-view.js';
import { accountOfArn, allowedImageCriteria, type ImageCriterion, selectedChannels } from './criteria.js';
import { type ImageEffect, imageEffect } from './effect.js';
import { type DeclarativePolicy, declarativePolicy } from './policy.js';
import { type Attachments, attachmentsFor } from './targets.js';

/**
 * Allowed AMIs kept in step with the channels: from the catalog's `allowedAmis` switch, the factory account and each
 * image's ledger, the EC2 criteria, the declarative policy that sets them, where to attach it, and what it does to
 * each kept version now. The policy is generated, not applied: attaching it needs the organization's management
 * account or a delegated administrator, which Goldsmith's deployment is not given. Pure.
 */

export type AllowedAmisPlan =
  | { on: false; reason: string }
  | {
      on: true;
      mode: 'audit-mode' | 'enabled';
      channels: string[];
      factoryAccounts: string[];
      criteria: ImageCriterion[];
      policy: DeclarativePolicy;
      attach: Attachments;
      images: ImageEffect[];
      /** Facts about this catalog the user must act on (beside each image's warnings). */
      notes: string[];
    };

export const OFF_REASON =
  'allowedAmis is not set in the catalog: Goldsmith computes no Allowed AMIs criteria (set allowedAmis.mode to "audit-mode" first; docs/fleet/allowed-amis.md)';

/**
 * The factory accounts the ledger knows: the account of each build item's Image Builder ARN (`BUILD#` items only,
 * which Goldsmith writes for builds of its own pipelines; other items carry ARNs a task's input named).
 */
export function factoryAccountsOf(ledgers: Readonly<Record<string, readonly LedgerItem[]>>): string[] {
  const accounts = new Set<string>();
  for (const items of Object.values(ledgers)) {
    for (const i of items) {
      if (typeof i.sk !== 'string' || !i.sk.startsWith('BUILD#')) continue;
      const account = typeof i.buildVersionArn === 'string' ? accountOfArn(i.buildVersionArn) : undefined;
      if (account) accounts.add(account);
    }
  }
  return [...accounts].sort();
}

/**
 * The plan. `factoryAccounts` are the AMIs' owners (from the ledger, or given); `ledgers` each image's items.
 * @throws Error when the switch is on but no factory account is known.
 */
export function allowedAmisPlan(
  catalog: Catalog,
  factoryAccounts: readonly string[],
  ledgers: Readonly<Record<string, readonly LedgerItem[]>>,
  now: Date,
): AllowedAmisPlan {
  const spec = catalog.allowedAmis;
  if (!spec) return { on: false, reason: OFF_REASON };
  const channels = selectedChannels(catalog, spec);
  const { criteria, own, images, namesCollapsed } = allowedImageCriteria(catalog, spec, factoryAccounts);
  const effects = images.map((image) =>
    imageEffect(image, ledgers[image] ?? [], {
      graceDays: spec.deprecatedGraceDays,
      deprecateAfter: catalog.images[image]?.retention.deprecateAfter,
      now,
      channels: catalog.channels.map((c) => c.name),
    }),
  );
  const owners = [...new Set(factoryAccounts)].sort();
  const notes: string[] = [];
  if (namesCollapsed) {
    notes.push(
      `${images.length} images' name patterns do not fit beside ${spec.alsoAllow.length} alsoAllow criteria in EC2's 10: one pattern, goldsmith-*, allows every AMI the factory account names so`,
    );
  }
  const amazonAllowed = spec.alsoAllow.some((a) => a.providers.includes('amazon') && !a.imageNames);
  const external = images.filter((i) => typeof catalog.images[i]?.parent === 'string');
  if (external.length > 0 && !amazonAllowed) {
    notes.push(
      `Image Builder launches ${external.join(', ')} from a parent AMI the factory account does not own: keep the factory account (${owners.join(', ')}) outside every OU the policy is attached to, or alsoAllow the parents' providers (an alsoAllow with imageNames is not checked against the parents' names, so this note stays)`,
    );
  }
  return {
    on: true,
    mode: spec.mode,
    channels,
    factoryAccounts: owners,
    criteria,
    policy: declarativePolicy(spec, criteria),
    attach: attachmentsFor(catalog, channels),
    images: effects,
    notes:
      own > 1 ? [...notes, `${own} criteria hold Goldsmith's ${images.length} name patterns (50 a criterion)`] : notes,
  };
}
