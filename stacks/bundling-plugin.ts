/** The part of esbuild's plugin API Goldsmith's bundling plugins use (stacks/bundling.ts, bundling-event-streams.ts). */
export interface PluginBuild {
  onLoad(
    options: { filter: RegExp; namespace?: string },
    callback: (args: { path: string; pluginData?: unknown }) => Promise<LoadResult> | LoadResult,
  ): void;
  onResolve(
    options: { filter: RegExp },
    callback: (args: {
      path: string;
      kind: string;
      importer: string;
    }) => { path: string; namespace: string; pluginData?: unknown } | { path: string; external: true } | undefined,
  ): void;
}

export interface LoadResult {
  contents: string;
  loader: 'js' | 'json';
  resolveDir?: string;
}

export interface Plugin {
  name: string;
  setup: (build: PluginBuild) => void;
}
