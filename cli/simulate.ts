import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { SimulationJson } from '../local/simulator/report-schema.js';
import type { Command } from './command.js';
import { DEFAULT_CATALOG_FILE, loadCatalogFile } from './load-catalog.js';
import { readCloud, tellReplaying } from './operator/saved-cloud-file.js';
import { upgradeFrom } from './operator/saved-deployment.js';
import { checkSavedCatalog, savedIdentity } from './operator/saved-identity.js';
import {
  digestOf,
  readState,
  replayProblems,
  stateOf,
  upgradeOf,
  writeState,
  writeStateIfUnchanged,
} from './operator/saved-state.js';
import {
  EMPTY_TIMELINE,
  renderHeader,
  renderRepeats,
  renderSlackChannel,
  renderTables,
  renderTimelineLine,
} from './simulate-output.js';
import { checkSimulateOutputs } from './simulate-outputs.js';
import { parseOptions, UsageError } from './usage.js';

const HELP = `usage: goldsmith simulate [--config FILE] [--scenario FILE] [--json] [--seed N] [--html FILE] [--slack]
                          [--save DIR | --resume DIR [--until TIME]]

Runs Goldsmith end to end on the embedded local cloud, in virtual time, with no AWS account.
  --config FILE     the catalog (default ${DEFAULT_CATALOG_FILE})
  --scenario FILE   a scenario (JSON, see docs/simulation.md); default: the built-in quarter
  --json            print the report as one JSON document (progress goes to stderr)
  --seed N          override the scenario's seed (fault injection, drops)
  --html FILE       also write the run as one self-contained HTML page (lanes, monthly chart, tables)
  --slack           also print what the Slack channel received (threads indented, edits in place marked);
                    with --json, the report gets "slackMessages"
  --save DIR        leave the local cloud's whole state in DIR for "goldsmith <command> --local DIR", which
                    opens it where it stopped (nothing is replayed)
  --resume DIR      continue the cloud saved in DIR (with the operator actions taken on it) until --until
                    (default: 30 days after it stopped), and save it there again. The report covers the whole
                    run from the scenario's start`;

const RESUME_DAYS = 30;

export const command: Command = {
  summary: 'run the whole system on the local cloud in virtual time',
  async run(args) {
    const { values } = parseOptions(args, {
      config: { type: 'string', short: 'c' },
      scenario: { type: 'string', short: 's' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      html: { type: 'string' },
      save: { type: 'string' },
      resume: { type: 'string' },
      until: { type: 'string' },
      slack: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (values.save && values.resume) throw new UsageError('--save and --resume exclude each other (--resume saves)');
    if (values.until && !values.resume) throw new UsageError('--until goes with --resume');
    // Where the run will be written is checked before it runs (a whole simulation is not thrown away at its end).
    await checkSimulateOutputs({ html: values.html, save: values.save ?? values.resume });
    const saved = values.resume ? await readState(values.resume, { upgrading: true }) : undefined;
    // Saved by the previous release, or by this one's earlier code: the new templates are deployed into it.
    const upgrade = saved && upgradeOf(saved);
    const savedDigest = saved ? digestOf(saved) : undefined;
    if (saved && values.scenario) throw new UsageError('--resume continues the saved scenario: drop --scenario');
    const configPath = resolve(values.config ?? saved?.catalogFile ?? DEFAULT_CATALOG_FILE);
    const catalog = await loadCatalogFile(configPath);
    // An upgrade takes the catalog as this release loads it (new defaults move its digest): checkUpgradeCatalog, below.
    if (saved && values.resume && !upgrade)
      checkSavedCatalog(values.resume, saved.identity, catalog, saved.catalogFile);
    const { scenarioSchema } = await import('../local/simulator/scenario.js');
    let raw: Record<string, unknown>;
    if (saved) {
      const until = values.until ?? new Date(Date.parse(saved.savedAt) + RESUME_DAYS * 86_400_000).toISOString();
      if (Number.isNaN(Date.parse(until)) || Date.parse(until) <= Date.parse(saved.savedAt)) {
        throw new UsageError(`--until must be a time after ${saved.savedAt}, where the saved cloud stopped`);
      }
      raw = { ...saved.scenario, until };
    } else if (values.scenario) {
      try {
        raw = JSON.parse(await readFile(values.scenario, 'utf8'));
      } catch (error) {
        throw new UsageError(`cannot read scenario ${values.scenario}: ${(error as Error).message}`);
      }
    } else {
      // The built-in quarter, its images, channels and approvers taken from this catalog.
      const { defaultScenarioFor } = await import('../local/simulator/default-scenario.js');
      raw = await defaultScenarioFor(catalog);
    }
    if (values.seed !== undefined) {
      // A saved cloud replays its own seed (acting commands and --resume rebuild it from its scenario): another one
      // would replay a different past.
      if (saved)
        throw new UsageError(
          `--resume replays the seed the cloud was saved with (${String(saved.scenario.seed ?? 'the scenario default')}): drop --seed`,
        );
      if (!/^-?\d+$/.test(values.seed)) throw new UsageError('--seed takes a whole number');
      // Into the scenario as saved too, so that what replays it later uses the same seed.
      raw = { ...raw, seed: Number(values.seed) };
    }
    const parsed = scenarioSchema.safeParse(raw);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `scenario.${i.path.join('.')}: ${i.message}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      return 1;
    }
    const scenario = parsed.data;
    const { scenarioCatalogProblems } = await import('../local/simulator/scenario-catalog.js');
    const { scenarioPreflightProblems } = await import('../local/simulator/scenario-preflight.js');
    const unknown = [...scenarioCatalogProblems(scenario, catalog), ...scenarioPreflightProblems(scenario, catalog)];
    if (unknown.length > 0) {
      process.stdout.write(`${unknown.join('\n')}\n`);
      return 1;
    }
    const { simulate } = await import('../local/simulator/index.js');
    const { ScenarioChangeError } = await import('../local/fakes/organization-changes.js');
    const { UpgradeRefusedError } = await import('../local/snapshot/upgrade.js');
    const { progressLine, wantsProgress } = await import('../local/simulator/progress.js');
    const showProgress = wantsProgress({
      json: values.json === true,
      isTTY: process.stderr.isTTY,
      env: process.env,
      spanMs: Date.parse(scenario.until) - Date.parse(scenario.start),
    });
    const progress = showProgress ? progressLine((t) => process.stderr.write(t)) : undefined;
    const keep = values.save ?? values.resume;
    // The human output streams the timeline as the run goes: each line once nothing earlier can still happen.
    const { RepeatFolder, repeatedOutcomes } = await import('../local/simulator/timeline-fold.js');
    const folder = new RepeatFolder();
    let printed = 0;
    // Written with the first line of the run: a refusal before it prints nothing on stdout.
    let header = values.json === true;
    const writeHeader = () => {
      if (!header) process.stdout.write(renderHeader(scenario));
      header = true;
    };
    // A saved cloud with its state is opened where it stopped; one without replays from the start (said once why).
    const ref = saved?.cloud;
    const open = values.resume && ref && 'file' in ref ? await readCloud(values.resume, ref, saved.savedAt) : undefined;
    if (upgrade && !open)
      throw new UsageError(
        `${values.resume} was saved by Goldsmith ${upgrade.from} without its cloud's state, which only a replay by that code rebuilds: it cannot be upgraded; re-run "goldsmith simulate --save ${values.resume}"`,
      );
    if (saved && !open)
      tellReplaying(ref && 'replay' in ref ? ref.replay : `${values.resume} holds no saved cloud state`);
    const upgrading = upgrade && open && values.resume ? await upgradeFrom(values.resume, upgrade, open) : undefined;
    if (upgrading && saved && values.resume) {
      const { checkUpgradeCatalog } = await import('./operator/saved-catalog.js');
      const previous = { catalog: upgrading.previous.catalog, digest: saved.identity.catalog };
      await checkUpgradeCatalog(values.resume, saved.catalogFile, previous, configPath, catalog);
    }
    const result = await simulate(catalog, scenario, dirname(configPath), {
      onProgress: progress?.tick,
      snapshot: keep !== undefined,
      save: keep !== undefined,
      ...(open ? { open } : {}),
      ...(upgrading ? { upgrade: upgrading } : {}),
      ...(values.json
        ? {}
        : {
            onTimeline: (entries, when) => {
              progress?.interrupt();
              writeHeader();
              if (when === 'late') process.stdout.write('(recorded after the lines above had printed)\n');
              for (const e of entries) {
                const line = folder.push(e);
                if (!line) continue;
                process.stdout.write(renderTimelineLine(line));
                printed++;
              }
            },
          }),
    }).catch((error: unknown) => {
      // A change the scenario asks of an organization that cannot make it: the scenario is wrong, said in one line.
      // An upgrade the saved work cannot survive (upgrade.ts) is refused the same way, before anything ran on.
      const refused = error instanceof ScenarioChangeError || error instanceof UpgradeRefusedError;
      throw refused ? new UsageError(error.message) : error;
    });
    progress?.done();
    writeHeader();
    if (result.upgraded) {
      const { upgradeLine } = await import('../local/snapshot/upgrade.js');
      process.stderr.write(`${upgradeLine(result.upgraded)}\n`);
    }
    if (saved && !open && result.snapshot) {
      const problems = replayProblems(saved.snapshot, result.snapshot);
      if (problems.length > 0) {
        process.stderr.write(`goldsmith simulate: the saved cloud could not be rebuilt: ${problems[0]}\n`);
        return 1;
      }
    }
    if (keep) {
      const next = stateOf(configPath, savedIdentity(catalog), raw, result, saved?.operator);
      // Resumed into its own folder: saved only if no command saved there meanwhile. An upgrade first keeps the save
      // as it was beside it (saved-backup.ts), so that it can be undone.
      const from = result.upgraded?.from;
      const before =
        from === undefined
          ? undefined
          : async () => {
              const { keepSaveBefore, keptLine } = await import('./operator/saved-backup.js');
              const copy = await keepSaveBefore(keep, from);
              process.stderr.write(`${keptLine(keep, copy, from)}\n`);
            };
      if (savedDigest !== undefined && keep === values.resume)
        await writeStateIfUnchanged(keep, next, savedDigest, result.saved, before);
      else await writeState(keep, next, result.saved);
      process.stderr.write(`saved the local cloud at ${result.snapshot?.at} in ${keep}\n`);
    }
    if (values.html) {
      const { renderHtml } = await import('../local/simulator/html/index.js');
      const channelsOf = (image: string) => catalog.images[image]?.channels ?? catalog.channels.map((c) => c.name);
      await writeFile(resolve(values.html), renderHtml(result, channelsOf));
      process.stderr.write(`wrote ${values.html}\n`);
    }
    if (values.json) {
      const { report, timeline, notes, run } = result;
      const slack = values.slack ? { slackMessages: result.slackMessages ?? [] } : {};
      const { totalsOf } = await import('../local/simulator/totals.js');
      // The same folding as the human timeline's: `timeline` keeps every line, `repeatedOutcomes` what it counted.
      for (const e of timeline) folder.push(e);
      const json: SimulationJson = {
        ...report,
        totals: totalsOf(report),
        timeline,
        repeatedOutcomes: repeatedOutcomes(folder),
        notes,
        run,
        ...slack,
      };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      if (printed === 0) process.stdout.write(EMPTY_TIMELINE);
      process.stdout.write(renderRepeats(folder) + renderTables(result));
      if (values.slack) process.stdout.write(renderSlackChannel(result.slackMessages));
    }
    return result.report.consistency.ok && result.report.apiModel.violations.length === 0 ? 0 : 1;
  },
};
