import type { PublishedMessage } from '../fakes/sns-sts.js';
import { exportState, importState, type PlainState } from '../snapshot/plain-state.js';
import {
  type ApprovalRequest,
  type ApprovalResponse,
  approverNames,
  type ClickOutcome,
  clickEmailLink,
  type Decision,
  linksOf,
  pressSlackButton,
} from './approval-clicks.js';
import { approvalIdFrom } from './approval-pages.js';
import type { LocalCloud } from './cloud.js';
import type { Scenario, ScenarioEvent } from './scenario.js';

const AUTO_APPROVE_AFTER_MS = 3_600_000;

/** An approver whose link answered an error page (the callback failed: an outage) clicks it again this much later. */
const CLICK_AGAIN_AFTER_MS = 30 * 60_000;

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
  readonly responses: ApprovalResponse[] = [];

  constructor(
    private readonly cloud: LocalCloud,
    private readonly scenario: Scenario,
    private readonly onRequested: (event: ScenarioEvent) => void,
  ) {
    cloud.installed.fakes.sns.onPublish((m) => this.onMessage(m));
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
        const approver = approverNames(this.cloud).find((a) => linksOf(this.cloud, a, request));
        // An error page (the callback failed): the automatic approver clicks again later, as a saved cloud re-arms.
        const again = () => this.armAutoApprove(index, this.cloud.clock.now() + CLICK_AGAIN_AFTER_MS);
        if (approver) return this.click(request, approver, 'approve', false, undefined, again);
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
    // The approver's own work, apart from whatever published the request (RequestApproval, still sending the other
    // approvers' links): the approver reading mail for minutes must not park it, or its remaining calls would land
    // only when the approver wakes.
    void this.cloud.clock.trackApart(
      () =>
        action.via === 'slack'
          ? this.press(request, action)
          : this.click(request, action.by ?? 'nobody', action.kind, action.tamper, action.reason),
      label,
    );
  }

  /** A Slack button press (approval-clicks.ts), tallied: a refused press counts as a rejected callback too. */
  private async press(request: ApprovalRequest, action: Decision): Promise<void> {
    const { outcome } = this.tally(request, await pressSlackButton(this.cloud, request, action));
    if (outcome === 'refused') this.slackRefused++;
    if (outcome === 'decided') this.slackApprovals++;
  }

  /** An email link clicked by `by` (approval-clicks.ts), tallied. */
  private async click(
    request: ApprovalRequest,
    by: string,
    decision: 'approve' | 'reject',
    tamper: boolean,
    reason?: string,
    again?: () => void,
  ): Promise<void> {
    const { outcome } = this.tally(request, await clickEmailLink(this.cloud, request, by, decision, tamper, reason));
    const { clock, outages } = this.cloud;
    const work = `approval-click:${request.approvalId}`;
    if (outcome === 'decided') outages.done(work);
    if (outcome !== 'failed' || request.decided) return;
    // The answer is held up (and counted against the outage) until the approver's next try goes through.
    outages.defer(work);
    if (again) return again();
    clock.schedule(
      clock.now() + CLICK_AGAIN_AFTER_MS,
      `${decision} ${request.image}/${request.channel} (clicked again)`,
      () => (request.decided ? outages.done(work) : this.click(request, by, decision, tamper, reason)),
    );
  }

  private tally(request: ApprovalRequest, clicked: ClickOutcome): ClickOutcome {
    this.responses.push(clicked.response);
    if (clicked.outcome === 'refused') this.rejectedCallbacks++;
    if (clicked.outcome === 'decided') request.decided = true;
    return clicked;
  }
}
