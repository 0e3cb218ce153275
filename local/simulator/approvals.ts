import { parseNotification } from '../../events/notification.js';
import type { PublishedMessage } from '../fakes/sns-sts.js';
import { exportState, importState, type PlainState } from '../snapshot/plain-state.js';
import type { LocalCloud } from './cloud.js';
import { functionUrlGet, functionUrlPost } from './function-url.js';
import type { Scenario, ScenarioAction, ScenarioEvent } from './scenario.js';

type Decision = Extract<ScenarioAction, { kind: 'approve' | 'reject' }>;

interface ApprovalRequest {
  image: string;
  channel: string;
  approvalId: string;
  at: number;
  decided: boolean;
}

const AUTO_APPROVE_AFTER_MS = 3_600_000;

/**
 * An approver's own approve/reject links for `approvalId`, read from the email they received (the approval-links
 * topic's message, delivered to their address alone by its filter policy), as a person reads them.
 */
export function linksInEmail(body: string, approvalId: string): { approve: string; reject: string } | undefined {
  const approve = /^\s*Approve: (\S+)$/m.exec(body)?.[1];
  const reject = /^\s*Reject: {2}(\S+)$/m.exec(body)?.[1];
  if (!approve || !reject || new URL(approve).searchParams.get('id') !== approvalId) return undefined;
  return { approve, reject };
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
    /** For any other refusal: what refused it and why, in words (the page's own text is terse). */
    why?: string;
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
    if (this.scenario.approvals === 'auto') this.armAutoApprove(nthOverall - 1, request.at + AUTO_APPROVE_AFTER_MS);
  }

  /** Approves request `index` at `at` unless decided by then (also a saved cloud's pending one, armed again). */
  armAutoApprove(index: number, at: number): void {
    const request = this.requests[index];
    if (!request) throw new Error(`no approval request ${index} to approve`);
    this.cloud.clock.schedule(
      at,
      `auto-approve ${request.image}/${request.channel}`,
      () => {
        if (request.decided) return;
        const approver = this.approvers().find((a) => this.linksOf(a, request));
        if (approver) return this.click(request, approver, 'approve', false);
      },
      { kind: 'auto-approve', data: index },
    );
  }

  /** The approvers' progress (requests seen and decided, answers, counters), for a saved cloud. */
  saveState(): PlainState {
    return exportState(this.held());
  }

  /** Takes `saveState`'s data into approvers built fresh for the same cloud and scenario. */
  loadState(state: PlainState): void {
    const held = this.held();
    importState(held, state);
    this.rejectedCallbacks = held.rejectedCallbacks;
    this.slackApprovals = held.slackApprovals;
    this.slackRefused = held.slackRefused;
  }

  private held() {
    const { requests, responses, rejectedCallbacks, slackApprovals, slackRefused } = this;
    return { requests, responses, rejectedCallbacks, slackApprovals, slackRefused };
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
          : this.click(request, action.by ?? 'nobody', action.kind, action.tamper, action.reason),
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
        image: request.image,
        channel: request.channel,
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
      image: request.image,
      channel: request.channel,
      ...(action.tamper ? { scripted: 'the scenario tampers with this press' } : {}),
      ...(!action.tamper && response.statusCode >= 400 ? { why: 'refused by the approval callback' } : {}),
    });
    if (response.statusCode >= 400) {
      this.rejectedCallbacks++;
      this.slackRefused++;
    } else {
      request.decided = true;
      this.slackApprovals++;
    }
  }

  /** Approver names with an address in the catalog (`notifications.approvers`): those who can receive links. */
  private approvers(): string[] {
    return Object.keys(this.cloud.catalog.notifications.approvers);
  }

  /** The links `approver` received for `request`, if any reached their mailbox. */
  private linksOf(approver: string, request: ApprovalRequest): { approve: string; reject: string } | undefined {
    const address = this.cloud.catalog.notifications.approvers[approver];
    if (!address) return undefined;
    for (const { body } of this.cloud.installed.fakes.sns.inbox(address).reverse()) {
      const found = linksInEmail(body, request.approvalId);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Decides as a person with an email client would: opens their own link (a GET, which only shows the confirmation
   * page), then presses its button (a POST of the same signed link). Someone without a link of their own (not an
   * approver) can only try another approver's, forwarded to them, with their own name put in: refused, the
   * signature covers the approver.
   */
  private async click(
    request: ApprovalRequest,
    by: string,
    decision: 'approve' | 'reject',
    tamper: boolean,
    reason?: string,
  ) {
    const borrowable = () => {
      const owner = this.approvers().find((a) => this.linksOf(a, request) !== undefined);
      const links = owner === undefined ? undefined : this.linksOf(owner, request);
      return owner === undefined || links === undefined ? undefined : { owner, ...links };
    };
    // The links arrive by email just after the team's announcement: a person reads their mail (half a minute at a
    // time, up to ten minutes) before clicking.
    for (let waited = 0; !borrowable() && waited < SLACK_READ_WAIT_MS; waited += SLACK_READ_STEP_MS) {
      await this.cloud.clock.sleep(SLACK_READ_STEP_MS, 'approver reads email');
    }
    const own = this.linksOf(by, request);
    const borrowed = own ? undefined : borrowable();
    const base = own ?? borrowed;
    if (!base) {
      this.responses.push({
        at: this.cloud.clock.iso(),
        status: 404,
        body: `no approval link reached ${by} (notifications.approvers names no address for them)`,
        image: request.image,
        channel: request.channel,
      });
      return;
    }
    const url = new URL(decision === 'approve' ? base.approve : base.reject);
    if (!own) url.searchParams.set('by', by);
    if (tamper) url.searchParams.set('sig', `${url.searchParams.get('sig')?.slice(0, -2) ?? ''}xx`);
    const page = (await this.cloud.invoker.invokeSync(this.callbackArn(), functionUrlGet(url.toString()))) as {
      statusCode: number;
      body: string;
    };
    const response =
      page.statusCode === 200 && page.body.includes('<form method="post"')
        ? ((await this.cloud.invoker.invokeSync(
            this.callbackArn(),
            functionUrlPost(url.toString(), reason ? new URLSearchParams({ reason }).toString() : '', {
              'content-type': 'application/x-www-form-urlencoded',
            }),
          )) as { statusCode: number; body: string })
        : page;
    this.responses.push({
      at: this.cloud.clock.iso(),
      status: response.statusCode,
      body: textOf(response.body),
      image: request.image,
      channel: request.channel,
      ...(tamper ? { scripted: 'the scenario tampers with this link' } : {}),
      ...(!tamper && response.statusCode >= 400 ? { why: refusedWhy(by, borrowed?.owner) } : {}),
    });
    if (response.statusCode >= 400 && response.statusCode !== 409) this.rejectedCallbacks++;
    else request.decided = true;
  }
}

/** What refused a link click and why: the approval callback, and, for a borrowed link, whose it was. */
function refusedWhy(by: string, owner: string | undefined): string {
  if (owner === undefined) return 'refused by the approval callback';
  return `refused by the approval callback: no link reached ${by}, so the scenario used ${owner}'s with ${by}'s name put in, and each link's signature covers its own approver`;
}

/** The text a person reads on an HTML page (the callback answers pages), on one line. */
export function textOf(html: string): string {
  const body = /<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? html;
  return body
    .replace(/<h1>[\s\S]*?<\/h1>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
    .trim();
}
