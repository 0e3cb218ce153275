import type { PreflightCheck } from './preflight-check.js';

/** How `goldsmith preflight`'s checks name an error AWS answered with: its name, then its message. */
export const nameOf = (error: unknown): string => (error instanceof Error ? error.name : String(error));

export const said = (error: unknown): string =>
  `${nameOf(error)}: ${error instanceof Error ? error.message : ''}`.trim();

/** AWS refused the call for want of a permission (AccessDenied…, EC2's UnauthorizedOperation). */
export const refused = (error: unknown): boolean =>
  /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(nameOf(error));

/**
 * A read the deploy needs that failed: a failure (never `unknown`), naming the permissions to add to the role
 * preflight runs as when AWS refused it, else asking for another run (throttling, the network).
 */
export function unreadable(name: string, what: string, permissions: readonly string[], error: unknown): PreflightCheck {
  return {
    name,
    status: 'missing',
    detail: refused(error)
      ? `could not read ${what} (${said(error)}): add ${permissions.join(' and ')} to the role preflight runs as (the deploy needs it)`
      : `could not read ${what} (${said(error)}): run preflight again; the deploy is refused until it is read`,
  };
}
