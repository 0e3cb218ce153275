import { parseNotification } from '../../events/notification.js';
import type { PublishedMessage } from '../fakes/sns-sts.js';
import type { LocalCloud } from './cloud.js';
import { functionUrlGet, functionUrlPost } from './function-url.js';
import type { Scenario, ScenarioAction, ScenarioEvent } from './scenario.js';

type Decision = Extract<ScenarioAction, { kind: 'approve' | 'reject' }>;

interface ApprovalRequest {
  image: string;
  channel: string;
  approvalId: string;
  at: number;
  /** approver → { approve, reject } links, as the notification shows them. */
  links: Map<string, { approve: string; reject: string }>;
  decided: boolean;
}

const AUTO_APPROVE_AFTER_MS = 3_600_000;

/** Reads each approver's approve/reject links out of an approval-requested announcement (the JSON document). */
export function linksFrom(message: string): Map<string, { approve: string; reject: string }> {
  const links = new Map<string, { approve: string; reject: string }>();
  const parsed = parseNotification(JSON.parse(message));
  if (!parsed.ok || parsed.notification.event !== 'approval-requested') return links;
  for (const l of parsed.notification.detail.links) links.set(l.approver, { approve: l.approve, reject: l.reject });
  return links;
}

/** The approval id an approval-requested announcement carries (its buttons and links name it). */
function approvalIdFrom(message: string): string {
  const parsed = parseNotification(JSON.parse(message));
  return parsed.ok && parsed.notification.event === 'approval-requested' ? parsed.notification.detail.approvalId : '';
}

const SLACK_READ_STEP_MS = 30_000;
const SLACK_READ_WAIT_MS = 10 * 60_000;

/**
 * Plays the approvers: watches approval notifications, fires the scenario's `when: approval-requested` events,
 * approves automatically after an hour when `approvals: "auto"`, and clicks links through the real approval
 * callback function (a tampered link is refused there, as in production).
 */
export class SimulatedApprovers {
  private readonly requests: ApprovalRequest[] = [];
  rejectedCallbacks = 0;
  /** Slack button presses the callback accepted, and those it refused. */
  slackApprovals = 0;
  slackRefused = 0;
  readonly responses: {
    at: string;
    status: number;
    body: string;
    image?: string;
    channel?: string;
    /** Set when the scenario scripted this click to fail (a tampered link): said so wherever it is shown. */
    scripted?: string;
  }[] = [];

  constructor(
    private readonly cloud: LocalCloud,
    private readonly scenario: Scenario,
    private readonly onRequested: (event: ScenarioEvent) => void,
  ) {
    cloud.installed.fakes.sns.onPublish((m) => this.onMessage(m));
  }

  private callbackArn(): string {
    for (const [arn, f] of this.cloud.wiring.functions) {
      if (f.handler === 'functions/approval-callback.handler') return arn;
    }
    throw new Error('the stacks define no approval callback function');
  }

  private onMessage(m: PublishedMessage): void {
    if (m.attributes.event !== 'approval-requested') return;
    const image = m.attributes.image ?? '';
    const channel = m.attributes.channel ?? '';
    const request: ApprovalRequest = {
      image,
      channel,
      approvalId: approvalIdFrom(m.message),
      at: this.cloud.clock.now(),
      links: linksFrom(m.message),
      decided: false,
    };
    this.requests.push(request);
    const nthOverall = this.requests.length;
    const nthFor = (img?: string, ch?: string) =>
      this.requests.filter((r) => (!img || r.image === img) && (!ch || r.channel === ch)).length;
    for (const event of this.scenario.events) {
      if (!('when' in event.timing)) continue;
      const { image: img, channel: ch } = event.filter;
      if ((img && img !== image) || (ch && ch !== channel)) continue;
      const nth = img || ch ? nthFor(img, ch) : nthOverall;
      if (event.timing.nth === nth) this.onRequested(event);
    }
    if (this.scenario.approvals === 'auto') {
      this.cloud.clock.after(AUTO_APPROVE_AFTER_MS, `auto-approve ${image}/${channel}`, () => {
        if (request.decided) return;
        const [approver] = request.links.keys();
        if (approver) return this.click(request, approver, 'approve', false);
      });
    }
  }

  /** Leaves the latest pending request (of that image/channel) unanswered, so its timeout decides it. */
  letExpire(filter: ScenarioEvent['filter']): void {
    const request = this.pending(filter.image, filter.channel);
    if (request) request.decided = true;
  }

  private pending(image?: string, channel?: string): ApprovalRequest | undefined {
    return [...this.requests]
      .reverse()
      .find((r) => !r.decided && (!image || r.image === image) && (!channel || r.channel === channel));
  }

  /** An approve/reject from the scenario: for the given image/channel, else the request that triggered it. */
  decide(action: Decision, filter: ScenarioEvent['filter']): void {
    const image = action.image ?? filter.image;
    const channel = action.channel ?? filter.channel;
    const request = this.pending(image, channel);
    if (!request) {
      this.responses.push({
        at: this.cloud.clock.iso(),
        status: 404,
        body: `no pending approval for ${image ?? '*'}/${channel ?? '*'}`,
      });
      return;
    }
    const label = `${action.kind} ${request.image}/${request.channel}${action.via === 'slack' ? ' (Slack)' : ''}`;
    void this.cloud.clock.track(
      () =>
        action.via === 'slack'
          ? this.press(request, action)
          : this.click(request, action.by ?? 'nobody', action.kind, action.tamper),
      label,
    );
  }

  /**
   * Presses the Approve/Reject button of the request's Slack message as `by`'s Slack user (the catalog's mapping)
   * or as the raw `slackUser`; the stand-in signs the request as Slack would (badly when `tamper`), and the real
   * approval callback decides.
   */
  private async press(request: ApprovalRequest, action: Decision): Promise<void> {
    const slack = this.cloud.slack;
    const mapped = Object.entries(this.cloud.catalog.notifications.slack?.approvers ?? {}).find(
      ([name]) => name === action.by,
    )?.[1];
    const userId = action.slackUser ?? mapped ?? `U0${(action.by ?? 'NOBODY').toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
    const tryPress = () =>
      slack?.pressButton({ approvalId: request.approvalId, action: action.kind, userId, tamper: action.tamper });
    // A person presses a button they can see: the request reaches Slack through the Slack function, a subscriber of
    // the same topic, so the scenario's press waits (half a minute at a time, up to ten minutes) for the message.
    let pressed = tryPress();
    for (let waited = 0; !pressed && slack && waited < SLACK_READ_WAIT_MS; waited += SLACK_READ_STEP_MS) {
      await this.cloud.clock.sleep(SLACK_READ_STEP_MS, 'approver reads Slack');
      pressed = tryPress();
    }
    if (!pressed) {
      this.responses.push({
        at: this.cloud.clock.iso(),
        status: 404,
        body: 'no Slack button to press (not posted, or already decided)',
      });
      return;
    }
    const response = (await this.cloud.invoker.invokeSync(
      this.callbackArn(),
      functionUrlPost('https://callback.local/', pressed.body, pressed.headers),
    )) as { statusCode: number; body: string };
    this.responses.push({
      at: this.cloud.clock.iso(),
      status: response.statusCode,
      body: `Slack ${userId}: ${response.body}`,
    });
    if (response.statusCode >= 400) {
      this.rejectedCallbacks++;
      this.slackRefused++;
    } else {
      request.decided = true;
      this.slackApprovals++;
    }
  }

  private async click(request: ApprovalRequest, by: string, decision: 'approve' | 'reject', tamper: boolean) {
    const own = request.links.get(by);
    // Someone who is not an approver has no link of their own: they try someone else's with their name on it.
    const [, borrowed] = [...request.links.entries()][0] ?? [];
    const base = own ?? borrowed;
    if (!base) return;
    const url = new URL(decision === 'approve' ? base.approve : base.reject);
    if (!own) url.searchParams.set('by', by);
    if (tamper) url.searchParams.set('sig', `${url.searchParams.get('sig')?.slice(0, -2) ?? ''}xx`);
    const response = (await this.cloud.invoker.invokeSync(this.callbackArn(), functionUrlGet(url.toString()))) as {
      statusCode: number;
      body: string;
    };
    this.responses.push({
      at: this.cloud.clock.iso(),
      status: response.statusCode,
      body: response.body,
      image: request.image,
      channel: request.channel,
      ...(tamper ? { scripted: 'the scenario tampers with this link' } : {}),
    });
    if (response.statusCode >= 400 && response.statusCode !== 409) this.rejectedCallbacks++;
    else request.decided = true;
  }
}
