import type { Plugin } from './bundling-plugin.js';

const EVENT_STREAMS_NAMESPACE = 'goldsmith-no-event-streams';

/**
 * The error a function meets if an operation with an event stream ever reaches the SDK's protocol code: none is
 * bundled (see {@link sdkEventStreamsPlugin}).
 */
export const NO_EVENT_STREAMS =
  'Goldsmith bundles no event-stream support (stacks/bundling-event-streams.ts): an operation with an event stream needs it back';

/**
 * Every SDK client's protocol (`@smithy/core`'s HttpProtocol) loads the event-stream codec with a dynamic
 * `import("@smithy/core/event-streams")` only when it serializes or parses an event-stream member, which only a few
 * operations have (Lambda InvokeWithResponseStream, S3 SelectObjectContent, CloudWatch Logs StartLiveTail and
 * GetLogObject among the clients Goldsmith depends on). esbuild bundles that import anyway: ~20 KB of every function
 * (the codec, its CRC32 and its serde). Goldsmith sends none of those operations (a test reads the clients' models
 * and our sources and fails if one is added), so this plugin gives that one import a module that throws
 * {@link NO_EVENT_STREAMS} instead: what every function loads and calls is unchanged.
 */
export function sdkEventStreamsPlugin(): Plugin {
  return {
    name: 'goldsmith-sdk-event-streams',
    setup(build) {
      build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, namespace: EVENT_STREAMS_NAMESPACE } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: EVENT_STREAMS_NAMESPACE }, () => ({
        contents: `throw new Error(${JSON.stringify(NO_EVENT_STREAMS)});`,
        loader: 'js',
      }));
    },
  };
}
