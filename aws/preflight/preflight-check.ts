/** What one `goldsmith preflight` check reports (aws/preflight/preflight.ts runs them; each preflight-*.ts file holds some). */

export type CheckStatus = 'ok' | 'missing' | 'not checked';

export interface PreflightCheck {
  name: string;
  status: CheckStatus;
  /** What was found, or what is missing and how to fix it. */
  detail: string;
}
