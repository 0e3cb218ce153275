import * as z from 'zod';

/**
 * What a version changes against the version the channel holds now, as an approval request carries it
 * (`approval-requested`'s `changes`): a bounded summary of the full diff (core/sbom/approval-summary.ts makes it),
 * the digest of that diff, and the command that prints it whole. Bounded so the announcement stays small whatever
 * the diff's size: at most CHANGES_BOUNDS.topLines lines of at most CHANGES_BOUNDS.lineChars characters.
 *
 * The bounds it keeps under: an SNS message is "at most 256 KB in size (262,144 bytes, not 262,144 characters)" with
 * MessageStructure json carrying every protocol's copy (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html);
 * a Block Kit section's text is at most 3,000 characters and a message at most 50 blocks
 * (https://api.slack.com/reference/block-kit/blocks), and Slack refuses a message whose blocks add up to about 13,000
 * characters with `msg_blocks_too_long` though no page states it (https://github.com/slackapi/bolt-js/issues/2509):
 * the summary's lines fit one section, about 2,000 characters.
 */

export const CHANGES_BOUNDS = {
  /** Lines of the diff an approval request shows (downgrades and critical/high CVEs fixed first). */
  topLines: 10,
  /** Characters of one line (a package's two versions, a CVE and its packages). */
  lineChars: 200,
  /** Characters of a reason or a command. */
  textChars: 400,
} as const;

const count = z.number().int().nonnegative();
const text = z.string().min(1).max(CHANGES_BOUNDS.textChars);

/** Findings by severity: INFORMATIONAL and UNTRIAGED count as `other`. */
export const severityCountsSchema = z.strictObject({
  critical: count,
  high: count,
  medium: count,
  low: count,
  other: count,
});

const fromTo = z.strictObject({ from: z.string().min(1), to: z.string().min(1) });

export const approvalChangesSchema = z.discriminatedUnion('kind', [
  /** The diff against the channel's current version. */
  z.strictObject({
    kind: z.literal('diff'),
    /** The version the channel holds now: what the diff is against. */
    against: z.string().min(1),
    packages: z.strictObject({ added: count, removed: count, upgraded: count, downgraded: count }),
    /** A side whose packages are unknown (a container image Inspector does not cover): the counts are not a diff. */
    packagesUnknown: z.enum(['from', 'to', 'both']).optional(),
    /** Recipe components added, removed or changed. */
    components: count,
    recipe: fromTo.optional(),
    parent: fromTo.optional(),
    findings: z.strictObject({
      fixed: severityCountsSchema,
      new: severityCountsSchema,
      reappeared: severityCountsSchema,
    }),
    /** The most telling lines of the diff, as people read them: downgrades and critical/high CVEs fixed first. */
    top: z.array(z.string().min(1).max(CHANGES_BOUNDS.lineChars)).max(CHANGES_BOUNDS.topLines),
    /** Lines of the diff `top` leaves out. */
    more: count,
    /** SHA-256 (hex) of the full diff's canonical JSON: what the approver was shown, recorded with the decision. */
    digest: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
    /** The command that prints the full diff: `goldsmith diff IMAGE FROM TO --stage STAGE`. */
    command: text,
  }),
  /** No version in the channel yet: "first version in prod". */
  z.strictObject({ kind: z.literal('first'), reason: text }),
  /** The diff could not be made (content not recorded for a side): "changes unknown: …". */
  z.strictObject({ kind: z.literal('unknown'), against: z.string().min(1).optional(), reason: text }),
]);

export type ApprovalChanges = z.output<typeof approvalChangesSchema>;
export type SeverityCounts = z.output<typeof severityCountsSchema>;
