import { rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { LocalSession } from '../local/simulator/session.js';
import type { Command } from './command.js';
import { loadCatalogFile } from './load-catalog.js';
import { readCloud, tellReplaying } from './operator/saved-cloud-file.js';
import { checkSavedCatalog } from './operator/saved-identity.js';
import { digestOf, journaled, readState, replayProblems, type SavedState, saveActed } from './operator/saved-state.js';
import { type ServedReply, type ServedRequest, socketOf } from './operator/served.js';
import { parseOptions, UsageError } from './usage.js';

const HELP = `usage: goldsmith serve --local DIR [--idle SECONDS]

Keeps the local cloud saved in DIR running, so that acting commands on it (approve, reject, promote, rollback,
revoke, build, resume, lifecycle release ... --local DIR) are answered without replaying the whole run: the first
replay happens here, once. A command acts through the server only when the saved state is the one the server's
cloud is at; otherwise (simulate --resume, a command run without it) the server replays again and the command
replays as it would without a server. Read commands (status, history) never need it.
  --local DIR       the saved cloud
  --idle SECONDS    stop after this long without a request (default 900)`;

interface Open {
  session: LocalSession;
  state: SavedState;
  digest: string;
}

/**
 * Opens the saved cloud where it stopped (or, when it holds no cloud state, replays it there) and keeps it running;
 * refuses one that does not replay as saved.
 */
async function open(dir: string): Promise<Open> {
  const state = await readState(dir);
  const catalog = await loadCatalogFile(state.catalogFile);
  checkSavedCatalog(dir, state.identity, catalog);
  const { scenarioSchema } = await import('../local/simulator/scenario.js');
  const scenario = scenarioSchema.parse({ ...state.scenario, until: state.savedAt });
  const ref = state.cloud;
  if (ref && 'file' in ref) {
    const { openSession } = await import('../local/simulator/session.js');
    const session = await openSession(
      catalog,
      scenario,
      dirname(state.catalogFile),
      await readCloud(dir, ref, state.savedAt),
    );
    return { session, state, digest: digestOf(state) };
  }
  tellReplaying(ref?.replay ?? `${dir} holds no saved cloud state`);
  const { simulate } = await import('../local/simulator/index.js');
  const result = await simulate(catalog, scenario, dirname(state.catalogFile), { snapshot: true, keep: true });
  const session = result.session;
  if (!session) throw new Error('the run kept no session');
  const problems = result.snapshot ? replayProblems(state.snapshot, result.snapshot) : ['no snapshot'];
  if (problems.length > 0 || Date.parse(session.now()) !== Date.parse(state.savedAt)) {
    await session.stop();
    throw new UsageError(`the saved cloud in ${dir} could not be rebuilt: ${problems[0] ?? 'it stops elsewhere'}`);
  }
  return { session, state, digest: digestOf(state) };
}

/** Acts on the running cloud exactly as an acting command's replay would, and saves what it did. */
async function act(dir: string, current: Open, body: ServedRequest): Promise<{ reply: ServedReply; fresh: boolean }> {
  const { state, session } = current;
  const { exchange, snapshot, operator } = await session.act(body.request, body.principal, body.id);
  if (!exchange) return { reply: { served: false, why: 'the request was never answered' }, fresh: false };
  if (exchange.response.ok) {
    const journal = journaled(state, body.request, body.principal, body.id);
    // The state as this server wrote it: a save by another command after it must not be taken for this cloud's.
    current.state = await saveActed(
      dir,
      state,
      journal,
      { snapshot, operator, saved: await session.save() },
      current.digest,
    );
    current.digest = digestOf(current.state);
    return { reply: { served: true, status: exchange.status, response: exchange.response }, fresh: true };
  }
  // A refusal saves nothing, but this cloud went on past the saved instant: it is replayed afresh before the next.
  return { reply: { served: true, status: exchange.status, response: exchange.response }, fresh: false };
}

/** Whether a server answers on `socket` (a connection is accepted). */
function listening(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.on('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.on('error', () => resolve(false));
  });
}

export const command: Command = {
  summary: 'keep a saved local cloud running so acting commands on it skip the replay',
  async run(args) {
    // Strictly, as every command: a mistyped option is one line naming it, not a stack trace.
    const { values } = parseOptions(args, {
      local: { type: 'string' },
      idle: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const dir = values.local;
    if (!dir) throw new UsageError('name the saved cloud: goldsmith serve --local DIR');
    const idleSeconds = values.idle === undefined ? 900 : Number(values.idle);
    if (!Number.isInteger(idleSeconds) || idleSeconds < 1)
      throw new UsageError('--idle must be a whole number of seconds');

    const socket = socketOf(dir);
    if (await listening(socket))
      throw new UsageError(`${dir} is already served (${socket}): one server per saved cloud`);
    let current: Open | undefined = await open(dir);
    // A socket left by a server that did not stop cleanly answers nobody: it is replaced.
    await rm(socket, { force: true });
    let queue: Promise<unknown> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const idle = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(), idleSeconds * 1000);
    };
    const serve = async (conn: Socket, line: string) => {
      let reply: ServedReply;
      const began = performance.now();
      let action = '?';
      try {
        const body = JSON.parse(line) as ServedRequest;
        action = String(body.request.action);
        // A cloud that is not at the state the command read (the saved cloud changed under it, or a refusal ran
        // this one past it) is replayed afresh from what is saved now; it acts only if that is the command's state.
        if (current?.digest !== body.digest) {
          await current?.session.stop();
          current = undefined;
          current = await open(dir);
          process.stderr.write(`opened the saved cloud again (saved at ${current.state.savedAt})\n`);
        }
        if (current.digest !== body.digest) {
          reply = { served: false, why: 'the saved cloud changed while it was replayed' };
        } else {
          const outcome = await act(dir, current, body);
          reply = outcome.reply;
          if (!outcome.fresh) {
            await current.session.stop();
            current = undefined;
          }
        }
      } catch (error) {
        reply = { served: false, why: (error as Error).message };
      }
      conn.end(`${JSON.stringify(reply)}\n`);
      const ms = Math.round(performance.now() - began);
      process.stderr.write(
        reply.served ? `served ${action} (${reply.status}) in ${ms} ms\n` : `not served ${action}: ${reply.why}\n`,
      );
      idle();
    };
    const server = createServer((conn) => {
      let text = '';
      conn.setEncoding('utf8');
      conn.on('data', (chunk: string) => {
        text += chunk;
        const end = text.indexOf('\n');
        if (end < 0) return;
        // One request at a time: each acts on the state the one before it saved.
        queue = queue.then(() => serve(conn, text.slice(0, end)));
      });
      conn.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    process.stderr.write(`serving ${dir} (saved at ${current.state.savedAt}); stops after ${idleSeconds} s idle\n`);
    idle();
    process.once('SIGINT', () => finish());
    process.once('SIGTERM', () => finish());
    await done;
    if (timer) clearTimeout(timer);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await queue;
    await current?.session.stop();
    await rm(socket, { force: true });
    process.stderr.write(`stopped serving ${dir}\n`);
    return 0;
  },
};
