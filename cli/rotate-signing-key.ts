import type { Command } from './command.js';
import { operatorOptions, TARGET_HELP } from './operator/options.js';
import { sendOperatorRequest } from './operator/send.js';

const HELP = `usage: goldsmith rotate-signing-key [--reason R] (--stage STAGE | --local DIR) [--json]

A new value for each of the stage's signing keys (the approval links' key and the decision-proof key). What the
previous values signed stays valid until it expires: links within their approval's timeout, decisions until
delivered. Rotating again within the longest approval timeout drops links signed two rotations back. Sent to the
operator endpoint (IAM-authenticated, operators only); a refusal is one line, exit 1, and nothing changed.
  --reason R        why (kept in the endpoint's log and the answer)
  --as ARN|NAME     (--local) the principal to act as, default the catalog's first operator
  --url URL         (--stage) the endpoint, when the stage's OperatorUrl output cannot be read
${TARGET_HELP}`;

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** `goldsmith rotate-signing-key`: rotates the signing keys through the operator endpoint. */
export const command: Command = {
  summary:
    "rotate the stage's signing keys (approval links, decision proofs); what they signed stays valid until it expires",
  async run(args) {
    const parsed = await operatorOptions(
      args,
      { reason: { type: 'string' }, as: { type: 'string' }, url: { type: 'string' } },
      0,
    );
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { where, json, values } = parsed;
    const reason = typeof values.reason === 'string' ? { reason: values.reason } : {};
    const as = typeof values.as === 'string' ? values.as : undefined;
    const answer = await sendOperatorRequest(where, { action: 'rotate-signing-key', ...reason }, as);
    if (json) process.stdout.write(`${JSON.stringify({ status: answer.status, ...answer.response }, null, 2)}\n`);
    if (!answer.response.ok) {
      process.stderr.write(`goldsmith rotate-signing-key: ${answer.response.error ?? `refused (${answer.status})`}\n`);
      return 1;
    }
    if (!json) {
      const result = answer.response.result ?? {};
      const rotated = list(result.rotated);
      const already = list(result.alreadyRotated);
      process.stdout.write(
        `${rotated.length > 0 ? `rotated ${rotated.join(', ')}` : 'nothing new rotated'}${
          already.length > 0 ? `; already rotated by this request: ${already.join(', ')}` : ''
        }\nthe previous values stay accepted for what they signed, until it expires\n`,
      );
      if (typeof result.warning === 'string')
        process.stderr.write(`goldsmith rotate-signing-key: warning: ${result.warning}\n`);
    }
    return 0;
  },
};
