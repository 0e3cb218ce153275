/** Shapes the announcement texts share (announce.ts, facts.ts and rollout-text.ts all import them from here). */

/** What an announcement is about. */
export interface Subject {
  image?: string | undefined;
  version?: string | undefined;
  channel?: string | undefined;
}

/** A label and a value a person scans for: "Regions: us-east-1, eu-west-1". */
export type Fact = readonly [label: string, value: string];
