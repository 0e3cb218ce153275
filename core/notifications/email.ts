import type { Notification } from '../../events/notification.js';
import { changesDetailLines } from '../sbom/changes-text.js';
import { factsOf } from './facts.js';
import { patchChangesText } from './month-changes.js';
import { complianceLines } from './month-compliance.js';
import { PATCH_TO_PROD_LABEL, patchToProdText, stoppedText } from './monthly-summary.js';

function monthlyTable(n: Extract<Notification, { event: 'monthly-summary' }>): string[] {
  const rows = n.detail.images.map(
    (i) =>
      `  ${i.image}: ${i.built} built, ${i.failed} failed, ${i.promoted} promoted, ${stoppedText(i)}, ${PATCH_TO_PROD_LABEL} ${patchToProdText(i.patchToProdHours)}${i.cost === undefined || !n.detail.cost ? '' : `, ${i.cost.toFixed(2)} ${n.detail.cost.currency}`}${i.patch ? `, ${patchChangesText(i.patch)}` : ''}`,
  );
  const waiting = n.detail.waiting.map(
    (w) => `  ${w.image} ${w.version} for ${w.channel}: waiting on ${w.on.join(', ')} since ${w.since}`,
  );
  const soaking = (n.detail.soaking ?? []).map(
    (s) => `  ${s.image} ${s.version} in ${s.channel}: soaks until ${s.until}`,
  );
  const building = (n.detail.building ?? []).map((b) => `  ${b.image} ${b.version}: building since ${b.since}`);
  const c = n.detail.cost;
  const cost = c
    ? [
        '',
        `Estimated cost: ${c.total.toFixed(2)} ${c.currency} (builds ${c.builds.toFixed(2)}, storage ${c.storage.toFixed(2)}, channel pointers ${c.pointers.toFixed(2)})`,
      ]
    : [];
  return [
    'Per image:',
    ...rows,
    '',
    waiting.length ? 'Still waiting:' : 'Nothing is waiting on anyone.',
    ...waiting,
    ...(soaking.length ? ['', 'Still soaking:', ...soaking] : []),
    ...(building.length ? ['', 'Still building:', ...building] : []),
    ...(n.detail.compliance?.length
      ? [
          '',
          "Patch compliance (from Patch Tuesday or the finding, as of the month's end):",
          ...complianceLines(n.detail.compliance).map((l) => `  ${l}`),
        ]
      : []),
    ...cost,
  ];
}

/**
 * The plain-text email body of an announcement (its subject is the title): the summary first, then image,
 * version, channel and the key facts one per line, then console links. It never holds an approve/reject link: an
 * approver's own links go to that approver alone (core/notifications/approver-links.ts).
 */
export function renderEmail(n: Notification): string {
  const head = [
    ...(n.image ? [`Image:    ${n.image}`] : []),
    ...(n.version ? [`Version:  ${n.version}`] : []),
    ...(n.channel ? [`Channel:  ${n.channel}`] : []),
    ...factsOf(n).map(([label, value]) => `${`${label}:`.padEnd(9)} ${value}`),
  ];
  const body: string[] = [];
  if (n.event === 'monthly-summary') body.push(...monthlyTable(n));
  if (n.event === 'approval-requested' && n.detail.changes) body.push(...changesDetailLines(n.detail.changes));
  const links = n.links.map((l) => `${l.label}: ${l.url}`);
  return [
    n.summary,
    '',
    ...head,
    ...(body.length ? ['', ...body] : []),
    ...(links.length ? ['', ...links] : []),
    '',
    `-- Goldsmith (${n.event}, ${n.severity})`,
  ].join('\n');
}
