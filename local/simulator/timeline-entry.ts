/** What a timeline line is about: the HTML report draws each kind differently. */
export type TimelineKind =
  | 'build-requested'
  | 'build-finished'
  | 'approval-requested'
  | 'approval-answered'
  | 'outcome'
  | 'lifecycle'
  | 'rejected-event'
  | 'recovered'
  | 'rollout'
  | 'note';

/**
 * What Goldsmith announced that changes what a channel serves or whether work goes on, beside builds and outcomes:
 * a revocation and its restore, a pointer rolled back, a promotion paused and resumed, an image's builds paused, a revocation
 * scheduled or cancelled. A `lifecycle` entry's `outcome` is the announcement's event.
 */
export const LIFECYCLE_EVENTS = [
  'revoked',
  // An operator's restore of a revoked version (`goldsmith restore`): launchable again, no channel moved back to it.
  'version-restored',
  'rolled-back',
  'paused',
  'resumed',
  'builds-paused',
  'revocation-scheduled',
  'revocation-cancelled',
  // From the ledger, as `history` tells them: a revocation's pointer withdrawal (no earlier launchable version), and
  // findings reported on a version with what was done about them.
  'pointer-withdrawn',
  'findings-reported',
] as const;

export interface TimelineEntry {
  at: string;
  image: string;
  text: string;
  kind: TimelineKind;
  version?: string;
  channel?: string;
  /**
   * For `outcome`: promoted, rejected, expired, aborted; for `build-finished`: the build status; for `lifecycle`:
   * the announcement (one of {@link LIFECYCLE_EVENTS}); for `rollout`: what the line marks (wave-started,
   * wave-healthy, wave-failed, wave-cancelled, wave-rolled-back, rollout-halted, rollout-completed, rollout-action).
   */
  outcome?: string;
}

/**
 * Shortens what a person does not need: an Image Builder image ARN becomes `<version>`, any other ARN its last
 * resource segment (`arn:aws:states:…:execution:machine:name` → `execution name`); a role session its role and
 * session (`assumed-role ops-lead/goldsmith-cli`).
 */
export function shortenArns(text: string): string {
  return text
    .replace(/arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:\d{12}:image\/[a-z0-9-]+\/(\d+\.\d+\.\d+\/\d+)/g, '$1')
    .replace(/arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:([A-Za-z0-9_.:/@+=,-]+)/g, (_all, resource: string) => {
      const parts = resource.split(/[:/]/).filter(Boolean);
      // A role session names its role and the session: who it was matters (`assumed-role intruder/goldsmith-cli`).
      if (parts[0] === 'assumed-role' && parts.length === 3) return `assumed-role ${parts[1]}/${parts[2]}`;
      return parts.length > 1 ? `${parts[0]} ${parts[parts.length - 1]}` : (parts[0] ?? resource);
    });
}
