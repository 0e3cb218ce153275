import { markDriftRepaired, recordDrift } from '../../aws/audit/audit-ledger.js';
import {
  enableRule,
  type HeldRule,
  type ListedRules,
  listRules,
  putRule,
  putRuleTarget,
  readRule,
  readRuleTargets,
  removeRuleTargets,
} from '../../aws/audit/event-rules.js';
import {
  describeRuleDrift,
  hasRuleDrift,
  type RuleDrift,
  ruleDrift,
  ruleDriftSk,
  type WantedRule,
  wantedRuleFrom,
} from '../../core/audit/rules.js';
import { logger } from '../lib/powertools.js';
import { type AuditPart, announceFinding, emptyPart, failed, messageOf } from './report.js';

/**
 * The forwarding rules the stacks made in every non-home distribution Region: the findings' (`FINDING_FORWARDING`) and
 * the outside changes' (`CHANGES_FORWARDING`, `<stage>-goldsmith-changes-to-home`); none where there is no such Region.
 */
export function wantedForwardingRules(): WantedRule[] {
  return [process.env.FINDING_FORWARDING, process.env.CHANGES_FORWARDING]
    .map((json) => wantedRuleFrom(json))
    .filter((rule): rule is WantedRule => rule !== undefined);
}

/** Puts one Region's rule back as the stacks made it: recreated, re-enabled, its pattern and target put back. */
async function putBack(region: string, wanted: WantedRule, drift: RuleDrift): Promise<void> {
  // PutRule on a missing rule creates it; on one whose pattern changed puts the pattern back (and enables it).
  if (drift.missing || drift.patternChanged) await putRule(region, wanted.name, wanted.pattern, wanted.description);
  else if (drift.disabled) await enableRule(region, wanted.name);
  if (drift.targetMissing) await putRuleTarget(region, wanted.name, wanted.target);
  if (drift.extraTargets.length > 0) await removeRuleTargets(region, wanted.name, drift.extraTargets);
}

/**
 * The audit of the forwarding rules (findings', outside changes') in each non-home distribution Region (`regions`: all of them, or the one a
 * change event named): the rules read (one ListRules per Region holding two or more of them, else DescribeRule) and
 * each one's targets (ListTargetsByRule), compared with
 * what the stacks made. A rule deleted, disabled, given another pattern, stripped of its home-bus target or given another
 * target is recorded (`DRIFT#rule#…` in the factory's partition), put back, read back, marked repaired once EventBridge
 * holds it as made, and announced (critical while not put right): until then every Inspector finding of that Region is
 * lost, or every outside change of that Region goes unseen until the next sweep. One Region's failure stops no other.
 */
export async function auditForwardingRules(
  now: Date,
  regions?: readonly string[],
  rules: readonly WantedRule[] = wantedForwardingRules(),
): Promise<AuditPart> {
  const part = emptyPart();
  const at = now.toISOString();
  const inScope = (wanted: WantedRule) => wanted.regions.filter((r) => !regions || regions.includes(r));
  const listings = await listEachRegion(part, rules, inScope);
  for (const wanted of rules) {
    for (const region of inScope(wanted)) {
      await auditOneRule(part, wanted, region, now, at, listings.get(region));
    }
  }
  return part;
}

/**
 * Each Region's rules in one ListRules where it holds two or more of them (DescribeRule each would cost more); a
 * Region whose listing fails is read rule by rule, as one with a single rule is.
 */
async function listEachRegion(
  part: AuditPart,
  rules: readonly WantedRule[],
  inScope: (wanted: WantedRule) => string[],
): Promise<Map<string, ListedRules>> {
  const names = new Map<string, string[]>();
  for (const wanted of rules)
    for (const region of inScope(wanted)) names.set(region, [...(names.get(region) ?? []), wanted.name]);
  const listings = new Map<string, ListedRules>();
  for (const [region, inRegion] of names) {
    if (inRegion.length < 2) continue;
    part.reads++;
    try {
      listings.set(region, await listRules(region, inRegion));
    } catch (error) {
      logger.warn("a Region's rules could not be listed; reading each rule instead", {
        region,
        error: messageOf(error),
      });
    }
  }
  return listings;
}

/**
 * One rule as EventBridge holds it: from the Region's listing where that settles it (listed, or absent from a whole
 * listing: deleted), then its targets; else DescribeRule and ListTargetsByRule.
 */
async function heldRule(
  part: AuditPart,
  wanted: WantedRule,
  region: string,
  listed: ListedRules | undefined,
): Promise<HeldRule | undefined> {
  const fromList = listed?.held.get(wanted.name);
  if (!listed || (!fromList && !listed.complete)) {
    part.reads += 2;
    return readRule(region, wanted.name);
  }
  if (!fromList) return fromList;
  part.reads++;
  const targets = await readRuleTargets(region, wanted.name);
  return targets && { ...fromList, targets };
}

/** One forwarding rule in one Region: read, and put back and announced where it differs (auditForwardingRules). */
async function auditOneRule(
  part: AuditPart,
  wanted: WantedRule,
  region: string,
  now: Date,
  at: string,
  listed: ListedRules | undefined,
): Promise<void> {
  part.checked++;
  try {
    const held = await heldRule(part, wanted, region, listed);
    const drift = ruleDrift(held, wanted);
    if (!hasRuleDrift(drift)) return;
    const sk = ruleDriftSk(wanted.name, region, drift, now);
    const finding = {
      image: '',
      resource: 'event-rule' as const,
      region,
      name: wanted.name,
      found: describeRuleDrift(drift),
      expected: `enabled, as made (${wanted.description}), forwarded to ${wanted.target.arn}`,
    };
    logger.warn('a Goldsmith rule differs from what the stacks made; putting it back', finding);
    await recordDrift({ ...finding, sk, action: 'put back as the stacks made it', foundAt: at });
    await putBack(region, wanted, drift);
    const after = ruleDrift(await readRule(region, wanted.name), wanted);
    const repaired = !hasRuleDrift(after);
    if (repaired) await markDriftRepaired('', sk, at, 'enabled, pattern and target as made');
    const action = repaired
      ? 'put back as the stacks made it, confirmed'
      : `put back; EventBridge still shows ${describeRuleDrift(after)}: a person must look`;
    const full = { ...finding, action, repaired };
    part.findings.push(full);
    await announceFinding(full, sk, at);
  } catch (error) {
    failed(part, `rule ${wanted.name} in ${region}: ${messageOf(error)}`, error);
  }
}
