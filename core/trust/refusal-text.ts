/**
 * The two refusals a decision can meet, in the same words at every door (CLI, signed link, Slack): IAM's, before
 * Goldsmith runs (a function URL with `AWS_IAM` auth refuses with 403, before the function runs, a caller whose
 * policies do not allow `lambda:InvokeFunctionUrl`, https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html), and
 * Goldsmith's own, for a caller IAM let through who is not one of the catalog's approvers of that channel.
 */

/** `<who> is not an approver of <image> <channel>: approvers are a, b` (or that the channel asks nobody). */
export function notAnApproverText(who: string, image: string, channel: string, approvers: readonly string[]): string {
  const are = approvers.length > 0 ? `approvers are ${approvers.join(', ')}` : 'it asks nobody for approval';
  return `${who} is not an approver of ${image} ${channel}: ${are}`;
}

/** An action only the operators' role may take, asked by a caller who is not a session of it. */
export function notAnOperatorText(action: string, caller: string): string {
  return `${action} needs Goldsmith's operators' role; ${caller} is not a session of it`;
}

/**
 * IAM's refusal, worded as such (Goldsmith never ran, so nothing was checked against the catalog): `<who> may not
 * invoke the operator endpoint (IAM: Forbidden)`; signed with a deployment's credentials, `these credentials`.
 */
export function iamRefusalText(who: string | undefined): string {
  return `${who ?? 'these credentials'} may not invoke the operator endpoint (IAM: Forbidden)`;
}
