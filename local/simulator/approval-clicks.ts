import { linksInEmail, refusedWhy, textOf } from './approval-pages.js';
import type { LocalCloud } from './cloud.js';
import { functionUrlGet, functionUrlPost } from './function-url.js';
import type { ScenarioAction } from './scenario.js';

/**
 * How a simulated approver answers one approval request: presses its Slack button or clicks its email link, through
 * the real approval callback function (a tampered link is refused there, as in production).
 */

export type Decision = Extract<ScenarioAction, { kind: 'approve' | 'reject' }>;

export interface ApprovalRequest {
  image: string;
  channel: string;
  approvalId: string;
  at: number;
  decided: boolean;
}

/** What the approval callback answered to one click or press, as the run's report lists it. */
export interface ApprovalResponse {
  at: string;
  status: number;
  body: string;
  image?: string;
  channel?: string;
  /** Set when the scenario scripted this click to fail (a tampered link): said so wherever it is shown. */
  scripted?: string;
  /** For any other refusal: what refused it and why, in words (the page's own text is terse). */
  why?: string;
}

/** A click's answer, and whether it reached the callback and was refused (`refused`) or decided the request. */
export interface ClickOutcome {
  response: ApprovalResponse;
  /** `failed`: the function itself failed (an outage), and the page is the function URL's own error: try again. */
  outcome: 'unanswered' | 'refused' | 'decided' | 'failed';
}

/**
 * What a function URL answers when the function fails instead of returning a response: 502, "Internal Server Error"
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html,
 * https://github.com/awsdocs/aws-lambda-developer-guide/issues/430).
 */
const FUNCTION_ERROR_PAGE = { statusCode: 502, body: 'Internal Server Error' } as const;

/** The callback's answer to one request through its function URL: its own response, or the URL's error page. */
async function callbackPage(
  cloud: LocalCloud,
  arn: string,
  request: unknown,
): Promise<{ statusCode: number; body: string }> {
  try {
    return (await cloud.invoker.invokeSync(arn, request)) as { statusCode: number; body: string };
  } catch {
    return FUNCTION_ERROR_PAGE;
  }
}

const SLACK_READ_STEP_MS = 30_000;
const SLACK_READ_WAIT_MS = 10 * 60_000;

/** The ARN of the stacks' approval callback function. */
function callbackArn(cloud: LocalCloud): string {
  for (const [arn, f] of cloud.wiring.functions) {
    if (f.handler === 'functions/approval-callback.handler') return arn;
  }
  throw new Error('the stacks define no approval callback function');
}

/** Approver names with an address in the catalog (`notifications.approvers`): those who can receive links. */
export function approverNames(cloud: LocalCloud): string[] {
  return Object.keys(cloud.catalog.notifications.approvers);
}

/** The links `approver` received for `request`, if any reached their mailbox. */
export function linksOf(
  cloud: LocalCloud,
  approver: string,
  request: ApprovalRequest,
): { approve: string; reject: string } | undefined {
  const address = cloud.catalog.notifications.approvers[approver];
  if (!address) return undefined;
  for (const { body } of cloud.installed.fakes.sns.inbox(address).reverse()) {
    const found = linksInEmail(body, request.approvalId);
    if (found) return found;
  }
  return undefined;
}

/**
 * Presses the Approve/Reject button of the request's Slack message as `by`'s Slack user (the catalog's mapping)
 * or as the raw `slackUser`; the stand-in signs the request as Slack would (badly when `tamper`), and the real
 * approval callback decides.
 */
export async function pressSlackButton(
  cloud: LocalCloud,
  request: ApprovalRequest,
  action: Decision,
): Promise<ClickOutcome> {
  const slack = cloud.slack;
  const mapped = Object.entries(cloud.catalog.notifications.slack?.approvers ?? {}).find(
    ([name]) => name === action.by,
  )?.[1];
  const userId = action.slackUser ?? mapped ?? `U0${(action.by ?? 'NOBODY').toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
  const tryPress = () =>
    slack?.pressButton({ approvalId: request.approvalId, action: action.kind, userId, tamper: action.tamper });
  // A person presses a button they can see: the request reaches Slack through the Slack function, a subscriber of
  // the same topic, so the scenario's press waits (half a minute at a time, up to ten minutes) for the message.
  let pressed = tryPress();
  for (let waited = 0; !pressed && slack && waited < SLACK_READ_WAIT_MS; waited += SLACK_READ_STEP_MS) {
    await cloud.clock.sleep(SLACK_READ_STEP_MS, 'approver reads Slack');
    pressed = tryPress();
  }
  if (!pressed) {
    return {
      response: {
        at: cloud.clock.iso(),
        status: 404,
        body: 'no Slack button to press (not posted, or already decided)',
        image: request.image,
        channel: request.channel,
      },
      outcome: 'unanswered',
    };
  }
  const response = (await cloud.invoker.invokeSync(
    callbackArn(cloud),
    functionUrlPost('https://callback.local/', pressed.body, pressed.headers),
  )) as { statusCode: number; body: string };
  return {
    response: {
      at: cloud.clock.iso(),
      status: response.statusCode,
      body: `Slack ${userId}: ${response.body}`,
      image: request.image,
      channel: request.channel,
      ...(action.tamper ? { scripted: 'the scenario tampers with this press' } : {}),
      ...(!action.tamper && response.statusCode >= 400 ? { why: 'refused by the approval callback' } : {}),
    },
    outcome: response.statusCode >= 400 ? 'refused' : 'decided',
  };
}

/**
 * Decides as a person with an email client would: opens their own link (a GET, which only shows the confirmation
 * page), then presses its button (a POST of the same signed link). Someone without a link of their own (not an
 * approver) can only try another approver's, forwarded to them, with their own name put in: refused, the
 * signature covers the approver. A 409 (already decided) decides the request as far as the approver knows.
 */
export async function clickEmailLink(
  cloud: LocalCloud,
  request: ApprovalRequest,
  by: string,
  decision: 'approve' | 'reject',
  tamper: boolean,
  reason?: string,
): Promise<ClickOutcome> {
  const borrowable = () => {
    const owner = approverNames(cloud).find((a) => linksOf(cloud, a, request) !== undefined);
    const links = owner === undefined ? undefined : linksOf(cloud, owner, request);
    return owner === undefined || links === undefined ? undefined : { owner, ...links };
  };
  // The links arrive by email just after the team's announcement: a person reads their mail (half a minute at a
  // time, up to ten minutes) before clicking. An approver with an address waits for their own link (each approver's
  // is a Publish of its own, and RequestApproval's retry sends one that failed: it can come minutes after another
  // approver's); only someone who gets no link of their own, or none within that time, tries another's.
  const canReceive = cloud.catalog.notifications.approvers[by] !== undefined;
  const ready = () => (canReceive ? linksOf(cloud, by, request) !== undefined : borrowable() !== undefined);
  for (let waited = 0; !ready() && waited < SLACK_READ_WAIT_MS; waited += SLACK_READ_STEP_MS) {
    await cloud.clock.sleep(SLACK_READ_STEP_MS, 'approver reads email');
  }
  const own = linksOf(cloud, by, request);
  const borrowed = own ? undefined : borrowable();
  const base = own ?? borrowed;
  if (!base) {
    return {
      response: {
        at: cloud.clock.iso(),
        status: 404,
        body: `no approval link reached ${by} (notifications.approvers names no address for them)`,
        image: request.image,
        channel: request.channel,
      },
      outcome: 'unanswered',
    };
  }
  const url = new URL(decision === 'approve' ? base.approve : base.reject);
  if (!own) url.searchParams.set('by', by);
  if (tamper) url.searchParams.set('sig', `${url.searchParams.get('sig')?.slice(0, -2) ?? ''}xx`);
  const arn = callbackArn(cloud);
  const page = await callbackPage(cloud, arn, functionUrlGet(url.toString()));
  const response =
    page.statusCode === 200 && page.body.includes('<form method="post"')
      ? await callbackPage(
          cloud,
          arn,
          functionUrlPost(url.toString(), reason ? new URLSearchParams({ reason }).toString() : '', {
            'content-type': 'application/x-www-form-urlencoded',
          }),
        )
      : page;
  return {
    response: {
      at: cloud.clock.iso(),
      status: response.statusCode,
      body: textOf(response.body),
      image: request.image,
      channel: request.channel,
      ...(tamper ? { scripted: 'the scenario tampers with this link' } : {}),
      ...(!tamper && response.statusCode >= 400 ? { why: refusedWhy(by, borrowed?.owner) } : {}),
    },
    outcome:
      response === FUNCTION_ERROR_PAGE
        ? 'failed'
        : response.statusCode >= 400 && response.statusCode !== 409
          ? 'refused'
          : 'decided',
  };
}
