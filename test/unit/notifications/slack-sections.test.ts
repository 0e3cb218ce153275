import { describe, expect, it } from 'vitest';
import { renderDecidedApproval, renderSlack, sectionsOf } from '../../../core/notifications/slack.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

const texts = (lines: string[], maxBlocks = 10) =>
  sectionsOf(lines, maxBlocks).map((s) => s.text?.text.split('\n') ?? []);

describe('sectionsOf', () => {
  it('makes no section of no lines', () => {
    expect(sectionsOf([], 5)).toEqual([]);
  });

  it('keeps a line of 2,960 characters whole and cuts a longer one to 2,960 ending in an ellipsis', () => {
    const [[kept]] = texts(['k'.repeat(2960)]) as [[string]];
    const [[cut]] = texts(['c'.repeat(2961)]) as [[string]];

    expect(kept).toBe('k'.repeat(2960));
    expect(cut).toBe(`${'c'.repeat(2959)}…`);
  });

  it('packs lines, each with its newline, into sections of at most 2,960 characters', () => {
    expect(texts(['a'.repeat(1479), 'b'.repeat(1479)]).map((s) => s.length)).toEqual([2]);
    expect(texts(['a'.repeat(1480), 'b'.repeat(1480)]).map((s) => s.length)).toEqual([1, 1]);
    expect(texts(['a', 'b', 'c'])).toEqual([['a', 'b', 'c']]);
  });

  it('stops at the blocks allowed and ends the last with how many lines were left out', () => {
    const lines = ['x', 'y', 'z'].map((c) => c.repeat(2000));

    expect(texts(lines, 2)).toEqual([['x'.repeat(2000)], ['y'.repeat(2000), '…and 1 more']]);
    expect(texts(lines, 3)).toHaveLength(3);
  });
});

describe('renderSlack: optional blocks', () => {
  it('adds no links block to an announcement without links', () => {
    const n = { ...SAMPLE_NOTIFICATIONS.approved, links: [] };

    expect(renderSlack(n).blocks.map((b) => b.type)).toEqual(['section', 'section']);
  });

  it('links each console page by its escaped label, separated by a middle dot', () => {
    const n = {
      ...SAMPLE_NOTIFICATIONS.approved,
      links: [
        { label: 'A & B', url: 'https://a.example' },
        { label: 'C', url: 'https://c.example' },
      ],
    };

    expect(renderSlack(n).blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '<https://a.example|A &amp; B>  ·  <https://c.example|C>' }],
    });
  });

  it('cuts a long fact to 1,900 characters after escaping, and shows at most 10 fields', () => {
    const n = {
      ...SAMPLE_NOTIFICATIONS.approved,
      detail: { ...SAMPLE_NOTIFICATIONS.approved.detail, by: '<'.repeat(1000) },
    };
    const fields = renderSlack(n).blocks[1];

    expect(fields?.type === 'section' ? fields.fields?.[3]?.text : '').toBe(`*By*\n${'&lt;'.repeat(475)}`);
    const many = { ...SAMPLE_NOTIFICATIONS['monthly-summary'], image: 'base', version: '1.0.0/3', channel: 'prod' };
    const shown = renderSlack(many).blocks[1];
    expect(shown?.type === 'section' ? shown.fields?.map((f) => f.text.split('\n')[0]) : []).toEqual(
      ['Image', 'Version', 'Channel', 'Built', 'Failed', 'Promoted', 'Rejected', 'Waiting', 'Soaking', 'Building'].map(
        (label) => `*${label}*`,
      ),
    );
  });

  it('cuts the title and summary section to 3,000 characters', () => {
    const n = { ...SAMPLE_NOTIFICATIONS.approved, summary: 's'.repeat(4000) };
    const first = renderSlack(n).blocks[0];

    expect(first?.type === 'section' ? first.text?.text.length : 0).toBe(3000);
  });

  it('titles a decided approval with its event', () => {
    expect(renderDecidedApproval(SAMPLE_NOTIFICATIONS['approval-requested'], SAMPLE_NOTIFICATIONS.expired).text).toBe(
      `${SAMPLE_NOTIFICATIONS['approval-requested'].title}: expired`,
    );
  });
});

describe('renderSlack: the monthly summary and decided approvals', () => {
  const summary = SAMPLE_NOTIFICATIONS['monthly-summary'];

  it('lists every approver still awaited, and leaves out what is not there', () => {
    const n = {
      ...summary,
      detail: {
        ...summary.detail,
        images: [{ image: 'base', built: 1, failed: 0, promoted: 1, rejected: 0, patchToProdHours: null, cost: 2 }],
        waiting: [{ ...summary.detail.waiting[0]!, on: ['ops-lead', 'security'] }],
        soaking: [],
        building: undefined,
        cost: undefined,
        compliance: undefined,
      },
    };
    const text = renderSlack(n).blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

    expect(text.at(-1)?.split('\n')).toEqual([
      '• *base*: 1 built, 0 failed, 1 promoted, 0 rejected; patch day → first prod promotion n/a',
      '*Still waiting*',
      '• base 1.0.0/3 → prod: waiting on ops-lead, security',
    ]);
  });

  it('lists only the images of a summary in which nothing waits, soaks or builds', () => {
    const n = {
      ...summary,
      detail: { ...summary.detail, waiting: [], soaking: undefined, building: undefined, compliance: undefined },
    };
    const text = renderSlack(n).blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

    expect(text.at(-1)?.split('\n')).toEqual([
      '• *base*: 3 built, 1 failed, 2 promoted, 1 rejected; patch day → first prod promotion 50 h; ≈ 7.25 USD',
    ]);
  });

  it('says who rejected and how only when known, and names the approval block after the approval', () => {
    const request = SAMPLE_NOTIFICATIONS['approval-requested'];
    const rejected = SAMPLE_NOTIFICATIONS.rejected;
    const bare = { ...rejected, detail: { ...rejected.detail, by: undefined, via: undefined } };
    const context = renderDecidedApproval(request, bare).blocks.at(-1);

    expect(context?.type === 'context' ? context.elements[0] : undefined).toEqual({
      type: 'mrkdwn',
      text: `:thumbsdown: Rejected at ${bare.at}`,
    });
    expect(renderSlack(request).blocks.find((b) => b.type === 'actions')?.block_id).toBe(
      `approval:${request.detail.approvalId}`,
    );
  });

  it('carries empty names in the buttons of a request that names no image, version or channel, which the callback refuses', () => {
    const request = {
      ...SAMPLE_NOTIFICATIONS['approval-requested'],
      image: undefined,
      version: undefined,
      channel: undefined,
    };
    const actions = renderSlack(request).blocks.find((b) => b.type === 'actions');
    const button = actions?.type === 'actions' ? actions.elements[0] : undefined;

    expect(JSON.parse(button && 'value' in button ? (button.value ?? '') : '')).toEqual({
      approvalId: request.detail.approvalId,
      image: '',
      version: '',
      channel: '',
    });
  });

  it('ends the last of three sections with the lines left out', () => {
    const lines = ['w', 'x', 'y', 'z'].map((c) => c.repeat(2000));

    expect(texts(lines, 3).at(-1)).toEqual(['y'.repeat(2000), '…and 1 more']);
  });
});
