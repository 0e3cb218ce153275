/**
 * The release this checkout is (docs/upgrading.md). Written here, not read from package.json at run time: SST's
 * bundler, which builds sst.config.ts and the stacks, takes no JSON import attributes, and a file read relative to
 * a module names another folder once that module is bundled. `test/unit/release-version.test.ts` holds it equal to
 * package.json's version. Beside the message contract, so that core/ (which imports only core/ and events/) names it.
 */
export const GOLDSMITH_VERSION = '0.3.0-dev';
