/**
 * Goldsmith's bus resource policy, as data (pure): who may put which events on the bus. The Trust stack turns each
 * statement into an `AWS::Events::EventBusPolicy`; the local bus evaluates the synthesized statements for every put.
 *
 * EventBridge authorizes each PutEvents entry on its own (per-entry `NotAuthorizedForSourceException`,
 * `NotAuthorizedForDetailTypeException`:
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html) with the condition
 * keys `events:source` and `events:detail-type`, both multi-valued strings
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html), hence `ForAnyValue:`.
 * Principals are told apart by `aws:PrincipalArn`, `aws:PrincipalAccount` and `aws:PrincipalOrgID`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html). Denies are explicit, so
 * an identity policy granting `events:PutEvents` on `*` in the factory account cannot override them.
 * The whole policy must stay under EventBridge's 10,240-character bus policy quota
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html).
 */

/** One Goldsmith function that puts facts on the bus, with the detail-types it may put. */
export interface BusWriter {
  roleArn: string;
  detailTypes: readonly string[];
}

export interface BusPolicyInput {
  busArn: string;
  organizationId: string;
  /** The source of Goldsmith's own facts (`goldsmith`). */
  factSource: string;
  /** The source CI uses (`goldsmith.ci`), and the one detail-type it may carry. */
  ciSource: string;
  ciDetailType: string;
  writers: readonly BusWriter[];
  /** CI principals: role/user ARNs, or 12-digit account ids. */
  ci: readonly string[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: '*' | { AWS: string | string[] };
  Action: string;
  Resource: string;
  Condition: Record<string, Record<string, string | string[]>>;
}

const PUT = 'events:PutEvents';
const isAccount = (p: string) => /^\d{12}$/.test(p);

/** `ParentImageChanged` → a Sid-safe fragment (Sids allow only letters and digits). */
function sidPart(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '');
}

/** "Is not one of these principals": role/user ARNs by `aws:PrincipalArn`, accounts by `aws:PrincipalAccount`. */
function notAnyOf(principals: readonly string[]): Record<string, Record<string, string[]>> {
  const arns = principals.filter((p) => !isAccount(p));
  const accounts = principals.filter(isAccount);
  const out: Record<string, Record<string, string[]>> = {};
  if (arns.length > 0) out.ArnNotLike = { 'aws:PrincipalArn': arns };
  if (accounts.length > 0) out.StringNotEquals = { 'aws:PrincipalAccount': accounts };
  return out;
}

/** The bus policy's statements, denies first. Detail-types with no writer are denied to everyone. */
export function busPolicyStatements(input: BusPolicyInput): PolicyStatement[] {
  const { busArn, factSource, ciSource, ciDetailType } = input;
  const writerArns = [...new Set(input.writers.map((w) => w.roleArn))];
  const detailTypes = [...new Set(input.writers.flatMap((w) => w.detailTypes))].sort();
  const base = { Principal: '*' as const, Action: PUT, Resource: busArn };
  const statements: PolicyStatement[] = [
    {
      Sid: 'DenyFactsExceptGoldsmithFunctions',
      Effect: 'Deny',
      ...base,
      // Anything but CI's source, from anyone but Goldsmith's writers: forged facts and unknown sources.
      Condition: {
        'ForAnyValue:StringNotEquals': { 'events:source': [ciSource] },
        ...(writerArns.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': writerArns } } : {}),
      },
    },
    {
      Sid: 'DenyOtherSources',
      Effect: 'Deny',
      ...base,
      Condition: { 'ForAnyValue:StringNotEquals': { 'events:source': [factSource, ciSource] } },
    },
    {
      Sid: 'DenyCiSourceExceptCiPrincipals',
      Effect: 'Deny',
      ...base,
      Condition: { 'ForAnyValue:StringEquals': { 'events:source': [ciSource] }, ...notAnyOf(input.ci) },
    },
    {
      Sid: 'DenyCiSourceOtherDetailTypes',
      Effect: 'Deny',
      ...base,
      Condition: {
        'ForAnyValue:StringEquals': { 'events:source': [ciSource] },
        'ForAnyValue:StringNotEquals': { 'events:detail-type': [ciDetailType] },
      },
    },
    {
      Sid: 'DenyFactsOfUndeclaredDetailTypes',
      Effect: 'Deny',
      ...base,
      Condition: {
        'ForAnyValue:StringEquals': { 'events:source': [factSource] },
        'ForAnyValue:StringNotEquals': { 'events:detail-type': detailTypes.length > 0 ? detailTypes : ['-'] },
      },
    },
  ];
  // Each fact only from the functions that publish it: the watcher cannot announce a promotion.
  for (const detailType of detailTypes) {
    const writers = input.writers.filter((w) => w.detailTypes.includes(detailType)).map((w) => w.roleArn);
    statements.push({
      Sid: `Deny${sidPart(detailType)}ExceptItsWriters`,
      Effect: 'Deny',
      ...base,
      Condition: {
        'ForAnyValue:StringEquals': { 'events:source': [factSource], 'events:detail-type': [detailType] },
        ArnNotLike: { 'aws:PrincipalArn': [...new Set(writers)] },
      },
    });
  }
  if (input.ci.length > 0) {
    // CI may be in another account of the organization: a resource policy must allow it (same-account too).
    statements.push({
      Sid: 'AllowCiPackageUpdates',
      Effect: 'Allow',
      Principal: { AWS: [...input.ci] },
      Action: PUT,
      Resource: busArn,
      Condition: {
        'ForAllValues:StringEquals': { 'events:source': [ciSource], 'events:detail-type': [ciDetailType] },
        StringEquals: { 'aws:PrincipalOrgID': input.organizationId },
      },
    });
  }
  return statements;
}
