import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Who a profile's stack frame works for: the product's handlers by function, the fakes by service, the simulator's
 * own parts (event routing, the state machine interpreter, the member baseline's stack instances, the audit), the
 * DynamoDB engine, V8 (garbage collection), or the main thread waiting.
 */

/** Code of the product that every handler shares (core/, aws/, events/, functions/lib/): its caller decides. */
export const SHARED = 'shared';

/** A stack that holds only shared product code and libraries: an async continuation, whose caller is gone. */
export const SHARED_AFTER_AWAIT = "handlers' shared code (core/, aws/) resumed after an await";
export const SDK_AFTER_AWAIT = 'AWS SDK (a request on its way, no caller on the stack)';
export const IDLE = 'idle (the main thread waiting)';
/** AWS's work on the members' behalf: every frame under a stack instance's is the baseline's (the fakes it calls). */
export const MEMBER_BASELINE = "member baseline (StackSets' stack instances)";

/** V8's pseudo-frames: what the thread did with no JavaScript frame of its own. */
const PSEUDO: Record<string, string> = {
  '(garbage collector)': 'garbage collection',
  '(idle)': IDLE,
  '(program)': 'V8 and Node (no JavaScript on the stack)',
  '(root)': 'V8 and Node (no JavaScript on the stack)',
};

/** Libraries that are a part of the local cloud themselves, not a step on a caller's way. */
const LIBRARY_OWNERS: [RegExp, string][] = [
  [
    /^(dynalite|levelup|memdown|abstract-leveldown|deferred-leveldown|encoding-down|level-.*|lazy|big\.js)$/,
    'DynamoDB (dynalite)',
  ],
  [/^(aws-local-stepfunctions|jsonpath-plus)$/, 'state machine interpreter'],
];

const SDK_PACKAGE = /^@(aws-sdk|smithy|aws-crypto)\/|^fast-xml-parser$|^tslib$/;

/** Our own files, by where they lie: the first match names the cause. */
const OWN_FILES: [RegExp, string | ((m: RegExpExecArray) => string)][] = [
  [/^functions\/lib\//, SHARED],
  [/^functions\/([^/.]+)/, (m) => `handler ${m[1]}`],
  [/^(core|aws|events|components)\//, SHARED],
  [/^local\/fakes\/stacksets|^local\/simulator\/member-baseline\.ts$/, MEMBER_BASELINE],
  [/^local\/fakes\/middleware\.ts$|^local\/models\//, "fakes' API model check"],
  [/^local\/fakes\/([a-z0-9]+)/, (m) => `fake ${m[1]}`],
  [/^local\/eventbridge\//, 'event routing (EventBridge)'],
  [/^local\/stepfunctions\/|^local\/simulator\/cloud-stepfunctions\.ts$/, 'state machine interpreter'],
  [/^local\/dynalite/, 'DynamoDB (dynalite)'],
  [/^local\/(clock|clock-work|schedule-heap)\.ts$/, 'virtual clock'],
  [/^local\/simulator\/(invoke|lambda|handler-modules)\.ts$/, 'Lambda invocation'],
  [/^local\/trust\//, 'IAM and resource policies (local/trust)'],
  [/^local\/simulator\/(audit|lifecycle-audit|report|timeline|cost)/, 'audit and report'],
  [/^local\/simulator\/fleet/, 'simulated fleets'],
  [/^local\/simulator\/approval/, 'simulated approvers'],
  [/^local\//, 'simulator (other)'],
  [/^bench\//, 'bench'],
];

/** The package a file of node_modules belongs to (`@smithy/core`, `dynalite`). */
function packageOf(path: string): string | undefined {
  const at = path.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const [first, second] = path.slice(at + '/node_modules/'.length).split('/');
  return first?.startsWith('@') ? `${first}/${second}` : first;
}

function pathOf(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url;
}

/**
 * The cause one frame's file names: a cause, SHARED (the caller decides) or undefined (a library step or Node's own code:
 * the caller decides, and if none does, the leaf's library).
 */
export function frameCause(url: string, root: string): string | undefined {
  if (url === '') return undefined;
  const path = pathOf(url);
  const pkg = packageOf(path);
  if (pkg !== undefined) return LIBRARY_OWNERS.find(([re]) => re.test(pkg))?.[1];
  if (!path.startsWith('/')) return undefined;
  const rel = relative(root, path);
  if (rel.startsWith('..')) return undefined;
  for (const [re, cause] of OWN_FILES) {
    const m = re.exec(rel);
    if (m) return typeof cause === 'string' ? cause : cause(m);
  }
  return 'other';
}

/** What a stack (leaf first) with no owning frame is: the leaf-most library's or Node's. */
export function unownedCause(urls: readonly string[]): string {
  for (const url of urls) {
    const pkg = packageOf(pathOf(url));
    if (pkg === undefined) continue;
    return SDK_PACKAGE.test(pkg) ? SDK_AFTER_AWAIT : `library ${pkg}`;
  }
  return urls.some((u) => u.startsWith('node:')) ? 'Node internals' : 'V8 and Node (no JavaScript on the stack)';
}

/**
 * The cause of a stack, leaf first: the member baseline's if any frame is, else its leaf-most owning frame; shared product code goes to the nearest owner
 * above it (a handler, or the audit reading with core's code), or is shared code resumed after an await.
 */
export function stackCause(frames: readonly { functionName: string; url: string }[], root: string): string {
  const leaf = frames[0];
  const pseudo = leaf && leaf.url === '' ? PSEUDO[leaf.functionName] : undefined;
  if (pseudo) return pseudo;
  const causes = frames.map((frame) => frameCause(frame.url, root));
  if (causes.includes(MEMBER_BASELINE)) return MEMBER_BASELINE;
  let shared = false;
  for (const cause of causes) {
    if (cause === undefined) continue;
    if (cause === SHARED) {
      shared = true;
      continue;
    }
    return cause;
  }
  return shared ? SHARED_AFTER_AWAIT : unownedCause(frames.map((f) => f.url));
}
