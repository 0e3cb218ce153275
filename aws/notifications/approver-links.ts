import { PublishCommand } from '@aws-sdk/client-sns';
import {
  type ApproverLinks,
  approverLinkAttributes,
  approverMessage,
} from '../../core/notifications/approver-links.js';
import { snsClient } from '../clients/sns.js';

function topicArn(): string {
  const arn = process.env.APPROVAL_TOPIC_ARN;
  if (!arn) throw new Error('APPROVAL_TOPIC_ARN is not set');
  return arn;
}

/**
 * Sends each approver their own links: one Publish per approver to the approval-links topic (env
 * `APPROVAL_TOPIC_ARN`), with the message attribute `approver`, which each approver's subscription filters on, so
 * SNS delivers it to that approver's address alone
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html). An approver without a subscription gets
 * nothing by email (SNS drops what no subscription matches) and decides through Slack or the CLI.
 *
 * Unlike announcements, a failed Publish is neither kept in the ledger nor logged with its body: it throws, the
 * RequestApproval task fails and Step Functions retries it (the retry takes over the same request and sends to the
 * approvers not yet noted as sent, functions/promotion/request-approval.ts), so no copy of a link is ever stored.
 */
export async function sendApproverLinks(all: readonly ApproverLinks[]): Promise<void> {
  for (const links of all) {
    const { subject, email, document } = approverMessage(links);
    await snsClient().send(
      new PublishCommand({
        TopicArn: topicArn(),
        Subject: subject,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: JSON.stringify(document), email }),
        MessageAttributes: Object.fromEntries(
          Object.entries(approverLinkAttributes(links)).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
  }
}
