/** What one `goldsmith preflight` check reports (aws/preflight/preflight.ts runs them; each preflight-*.ts file holds some). */

/** `warning`: something that does not stop a deploy but weakens it, with the remedy. */
export type CheckStatus = 'ok' | 'missing' | 'not checked' | 'warning';

export interface PreflightCheck {
  name: string;
  status: CheckStatus;
  /** What was found, or what is missing and how to fix it. */
  detail: string;
}
