import type { AllowedAmisPlan } from '../core/allowed-amis/index.js';

type On = Extract<AllowedAmisPlan, { on: true }>;

const day = (iso: string | undefined) => (iso ?? '').slice(0, 10);

/** What the criteria cannot do, whatever the catalog (docs/fleet/allowed-amis.md cites the pages). */
export const CANNOT = [
  "an account's own AMIs are always allowed: EC2 does not restrict them, whatever the criteria",
  'instances already running keep running: the criteria govern discovering and launching AMIs, not instances',
  'it cannot name an AMI id: any AMI of the factory account named like a Goldsmith image and not deprecated matches, promoted or not (launch permissions still decide who may use it)',
  'a version waiting on a scheduled revocation stays launchable until it is revoked (deprecated) at its time',
  'the criteria hold per account and Region: a Region without a Goldsmith image allows only the alsoAllow AMIs',
];

function attachLines(plan: On): string[] {
  const out: string[] = [];
  if (plan.attach.root) out.push('  the organization root (a channel targets the whole organization)');
  for (const ou of plan.attach.ous) out.push(`  OU ${ou}`);
  for (const account of plan.attach.accounts) out.push(`  account ${account}`);
  for (const tags of plan.attach.accountTags) {
    const text = Object.entries(tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    out.push(`  accounts tagged ${text}: a policy cannot select by tag; attach it to each such account or its OU`);
  }
  const { ous, accounts } = plan.attach.coveredExclusions;
  for (const ou of ous)
    out.push(`  (OU ${ou} is excluded from a channel, but the policy reaches it if attached above it)`);
  for (const account of accounts) {
    out.push(`  (account ${account} is excluded from a channel, but the policy reaches it through its OU)`);
  }
  return out;
}

function versionLines(plan: On): string[] {
  const out: string[] = [];
  const refused = plan.mode === 'enabled' ? 'REFUSED' : 'WOULD BE REFUSED';
  for (const image of plan.images) {
    if (image.versions.length === 0) out.push(`  ${image.image}  no available version in the ledger`);
    image.versions.forEach((v, i) => {
      const name = i === 0 ? image.image.padEnd(12) : ''.padEnd(12);
      const why = v.standing === 'kept' ? 'deprecated by retention.deprecateAfter' : v.standing;
      const state = v.blocked
        ? `${refused} since ${day(v.blockedFrom)} (${why})`
        : v.blockedFrom
          ? `launchable until ${day(v.blockedFrom)} (${why})`
          : 'launchable';
      const named = v.channels.length > 0 ? `  [${v.channels.join(', ')}]` : '';
      out.push(`  ${name} ${v.version.padEnd(10)} ${state}${named}`);
    });
  }
  return out;
}

/** The human output: the policy, where it goes, what it does to each kept version, and what it cannot do. */
export function renderAllowedAmis(plan: On): string {
  const mode =
    plan.mode === 'enabled'
      ? 'enabled: only matching AMIs are listed and launch'
      : 'audit-mode: EC2 marks each AMI ImageAllowed true or false and blocks nothing';
  const warnings = [...plan.notes, ...plan.images.flatMap((i) => i.warnings)];
  return [
    `Allowed AMIs for ${plan.channels.join(', ')} — ${mode}`,
    `Goldsmith's AMIs: owned by ${plan.factoryAccounts.join(', ')}, ${plan.criteria.length} criteria of EC2's 10`,
    '',
    'Declarative policy (AWS Organizations, type DECLARATIVE_POLICY_EC2):',
    JSON.stringify(plan.policy, null, 2),
    '',
    'Attach it (from the management account or a delegated administrator) to:',
    ...attachLines(plan),
    '',
    'What it does to each kept version now (as the ledger says):',
    ...versionLines(plan),
    ...(warnings.length > 0 ? ['', 'Warnings:', ...warnings.map((w) => `  - ${w}`)] : []),
    '',
    'What it cannot do:',
    ...CANNOT.map((c) => `  - ${c}`),
    '',
    'Apply it (goldsmith allowed-amis --json > policy.json):',
    '  aws organizations enable-policy-type --root-id r-… --policy-type DECLARATIVE_POLICY_EC2   # once',
    '  aws organizations create-policy --type DECLARATIVE_POLICY_EC2 --name goldsmith-allowed-amis \\',
    '    --description "Goldsmith channels" --content file://policy.json',
    '  aws organizations attach-policy --policy-id p-… --target-id <each target above>',
    '  (later: aws organizations update-policy --policy-id p-… --content file://policy.json)',
    '',
  ].join('\n');
}
