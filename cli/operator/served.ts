import { connect } from 'node:net';
import { join } from 'node:path';
import type { OperatorExchange } from '../../local/simulator/operator.js';

/**
 * The conversation between an acting command and `goldsmith serve --local DIR`, which keeps the saved cloud running
 * so commands need not replay it: one JSON line each way over a Unix socket in DIR. The command names the saved
 * state it read (a digest of `state.json`); the server acts only when that is the state its cloud is at, else
 * answers `stale` and the command replays as without a server. Nothing here decides anything.
 */

/** The socket `goldsmith serve` listens on, in the saved cloud's directory. */
export const socketOf = (dir: string): string => join(dir, '.serve.sock');

export interface ServedRequest {
  digest: string;
  request: Record<string, unknown>;
  principal: string;
  id: string;
}

export type ServedReply =
  | { served: true; status: number; response: OperatorExchange['response'] }
  | { served: false; why: string }
  /** The server took the request and stopped before answering: it may have carried it out and saved it. */
  | { served: false; why: string; unknown: true };

/**
 * Sends one request to the server of `dir`, if one listens; undefined when none does (no socket, or it refused the
 * connection): the caller replays.
 */
export function sendToServer(dir: string, body: ServedRequest): Promise<ServedReply | undefined> {
  return new Promise((resolve) => {
    const socket = connect(socketOf(dir));
    let text = '';
    let sent = false;
    // A server that took the request and then stopped answers nothing: whether it acted is unknown, so the caller
    // must not act again on its own (refused connections, before anything was sent, are no server at all).
    const lost = () => resolve({ served: false, why: 'the server stopped before it answered', unknown: true });
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      sent = true;
      socket.write(`${JSON.stringify(body)}\n`);
    });
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(text) as ServedReply);
      } catch {
        lost();
      }
    });
    socket.on('error', () => (sent ? lost() : resolve(undefined)));
  });
}
