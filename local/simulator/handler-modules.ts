/** Imports one handler module. */
export type HandlerModuleImport = () => Promise<Record<string, unknown>>;

const provided = new Map<string, HandlerModuleImport>();

/**
 * Handler modules already part of this process's module graph, by absolute source path. The prebuilt `goldsmith`
 * bundle (bin/bundle.mjs) provides every functions/ module here, so LocalLambdas takes a handler from the bundle,
 * sharing module instances with the rest of the code as an import of the source does; without a bundle (vitest,
 * `GOLDSMITH_NO_BUNDLE=1`) nothing is provided and the source file is imported.
 */
export function provideHandlerModules(modules: Readonly<Record<string, HandlerModuleImport>>): void {
  for (const [file, load] of Object.entries(modules)) provided.set(file, load);
}

/** The provided import of the module at `file` (absolute path), if any. */
export function providedHandlerModule(file: string): HandlerModuleImport | undefined {
  return provided.get(file);
}
