import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { factsOf } from '../../../core/notifications/facts.js';
import {
  APPROVE_ACTION,
  REJECT_ACTION,
  renderDecidedApproval,
  renderSlack,
  statusMark,
} from '../../../core/notifications/slack.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

/** Every piece of text a person sees in the blocks, in order. */
function visibleText(blocks: KnownBlock[]): string {
  const texts: string[] = [];
  for (const b of blocks) {
    if (b.type === 'section') {
      if (b.text) texts.push(b.text.text);
      for (const f of b.fields ?? []) texts.push(f.text);
    }
    if (b.type === 'context') for (const e of b.elements) if ('text' in e) texts.push(e.text);
    if (b.type === 'actions') for (const e of b.elements) if (e.type === 'button') texts.push(e.text.text);
  }
  return texts.join('\n');
}

function buttons(blocks: KnownBlock[]) {
  return blocks.flatMap((b) => (b.type === 'actions' ? b.elements.filter((e) => e.type === 'button') : []));
}

describe('renderSlack', () => {
  it.each(Object.values(SAMPLE_NOTIFICATIONS).map((n) => [n.event, n] as const))(
    'shows the status mark and title of %s first, and image, version and channel as fields',
    (_event, n) => {
      const { text, blocks } = renderSlack(n);
      const first = blocks[0];
      expect(first?.type).toBe('section');
      expect(first?.type === 'section' ? first.text?.text : '').toMatch(
        new RegExp(`^${statusMark(n.event).replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\*`),
      );
      expect(text).toContain(n.title);
      const shown = visibleText(blocks);
      if (n.image) expect(shown).toContain(`*Image*\n${n.image}`);
      if (n.version) expect(shown).toContain(`*Version*\n${n.version}`);
      if (n.channel) expect(shown).toContain(`*Channel*\n${n.channel}`);
      // Slack allows at most 10 fields in a section.
      for (const b of blocks) if (b.type === 'section') expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
    },
  );

  it.each(Object.values(SAMPLE_NOTIFICATIONS).map((n) => [n.event, n] as const))(
    'shows the key facts of %s as fields, the summary, and a link to each of its consoles',
    (_event, n) => {
      const shown = visibleText(renderSlack(n).blocks);
      expect(shown).toContain(n.summary.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'));
      const shownFacts = factsOf(n).slice(0, 10 - [n.image, n.version, n.channel].filter(Boolean).length);
      for (const [label, value] of shownFacts) expect(shown).toContain(`*${label}*\n${value.slice(0, 40)}`);
      for (const link of n.links) expect(shown).toContain(`<${link.url}|${link.label}>`);
    },
  );

  it('names the announcement a message carries, so a re-delivered post can be recognised', () => {
    for (const n of Object.values(SAMPLE_NOTIFICATIONS)) {
      const first = renderSlack(n).blocks[0];
      expect(first?.type === 'section' ? first.block_id : undefined).toBe(`announcement:${n.id}`);
    }
  });

  it('puts Approve and Reject buttons on an approval request, carrying the approval id', () => {
    const n = SAMPLE_NOTIFICATIONS['approval-requested'];
    const found = buttons(renderSlack(n).blocks);
    expect(found.map((b) => [b.text.text, b.action_id, b.style])).toEqual([
      ['Approve', APPROVE_ACTION, 'primary'],
      ['Reject', REJECT_ACTION, 'danger'],
    ]);
    expect(JSON.parse(found[0]?.value ?? '{}')).toEqual({
      approvalId: n.detail.approvalId,
      image: 'base',
      version: '1.0.0/3',
      channel: 'prod',
    });
    expect(visibleText(renderSlack(n).blocks)).toContain('ops-lead, security-reviewer');
  });

  it('puts buttons on nothing else', () => {
    for (const n of Object.values(SAMPLE_NOTIFICATIONS)) {
      if (n.event !== 'approval-requested') expect(buttons(renderSlack(n).blocks), n.event).toEqual([]);
    }
  });

  it('shows the counts a promotion reached and links the console', () => {
    const shown = visibleText(renderSlack(SAMPLE_NOTIFICATIONS.promoted).blocks);
    expect(shown).toContain('*Accounts*\n75');
    expect(shown).toContain('*OUs*\n3');
    expect(shown).toContain('*Regions*\n2');
    expect(shown).toContain('*Pointer*\n/goldsmith/base/prod');
    expect(shown).toMatch(/<https:\/\/us-east-1\.console\.aws\.amazon\.com\/imagebuilder\/[^|]+\|Image Builder>/);
    expect(shown).toMatch(/<https:\/\/[^|]+cloudwatch[^|]+\|Build log>/);
  });

  it('says where a build failed and why', () => {
    const shown = visibleText(renderSlack(SAMPLE_NOTIFICATIONS['build-failed']).blocks);
    expect(shown).toContain(':x:');
    expect(shown).toContain('*Failed in*\nbase-agents');
    expect(shown).toContain('component base-agents failed');
  });

  it('lists each image, its cost and who is still awaited in the monthly summary', () => {
    const shown = visibleText(renderSlack(SAMPLE_NOTIFICATIONS['monthly-summary']).blocks);
    expect(shown).toContain(
      '*base*: 3 built, 1 failed, 2 promoted, 1 rejected; patch day → first prod promotion 50 h; ≈ 7.25 USD',
    );
    expect(shown).toContain('*Cost*\n7.25 USD');
    expect(shown).toContain('base 1.0.0/3 → prod: waiting on ops-lead');
    expect(shown).toContain('*Still soaking*\n• base 1.0.0/4 in staging: until 2027-02-02T06:00:00.000Z');
    expect(shown).toContain('*Still building*\n• base 1.0.0/5: since 2027-01-31T22:00:00.000Z');
  });

  it('escapes Slack control characters in names and reasons', () => {
    const n = { ...SAMPLE_NOTIFICATIONS.aborted, summary: 'a <b> & c.' };
    expect(visibleText(renderSlack(n).blocks)).toContain('a &lt;b&gt; &amp; c.');
  });
});

describe('renderDecidedApproval', () => {
  it('removes the buttons and says who decided, how and when', () => {
    const decided = renderDecidedApproval(SAMPLE_NOTIFICATIONS['approval-requested'], SAMPLE_NOTIFICATIONS.approved);
    expect(buttons(decided.blocks)).toEqual([]);
    const shown = visibleText(decided.blocks);
    expect(shown).toContain('Approved by *ops-lead* via slack at 2027-01-14T05:00:00.000Z');
    expect(shown).toContain('*Version*\n1.0.0/3');
  });

  it('marks a rejection and an expiry as such', () => {
    const request = SAMPLE_NOTIFICATIONS['approval-requested'];
    expect(visibleText(renderDecidedApproval(request, SAMPLE_NOTIFICATIONS.rejected).blocks)).toContain(
      'Rejected by *security-reviewer* via email',
    );
    expect(visibleText(renderDecidedApproval(request, SAMPLE_NOTIFICATIONS.expired).blocks)).toContain(
      'Expired without a decision',
    );
  });
});
