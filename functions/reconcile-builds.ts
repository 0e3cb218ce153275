import { lastSweptAt, recordSweep } from '../aws/audit/sweep-ledger.js';
import { closeOpenBuild, type OpenBuild, openBuilds } from '../aws/builds/build-handling.js';
import { getImage } from '../aws/builds/imagebuilder.js';
import { listPipelineBuilds } from '../aws/builds/pipeline-builds.js';
import type { OpenWork } from '../aws/ledger/open-work.js';
import { parseDuration } from '../core/duration.js';
import { isFullPass, isSweepDue, type ListedBuild } from '../core/reconcile/decide.js';
import { bundledCatalog, pipelineArnOf } from './lib/catalog.js';
import { logger } from './lib/powertools.js';

/**
 * The reconciler's questions to Image Builder (functions/reconcile.ts): the builds the ledger holds open, described
 * one by one, and, when due, every catalog pipeline's builds listed.
 */

/**
 * The builds the ledger holds open, as Image Builder describes each now (GetImage): one call per open build instead
 * of every pipeline's listing. A build found final and already handled only had its open mark outlive the handling
 * (the start recorded after the final status): the mark is closed. A build Image Builder no longer knows is left
 * to the day's full pass.
 */
async function describeOpenBuilds(
  open: readonly OpenBuild[],
): Promise<{ listed: ListedBuild[]; undescribed: string[] }> {
  const listed: ListedBuild[] = [];
  const undescribed = new Set<string>();
  for (const build of open) {
    let image: Awaited<ReturnType<typeof getImage>>;
    try {
      image = await getImage(build.buildVersionArn);
    } catch (error) {
      logger.warn("an open build could not be described; its pipeline is listed on the day's pass", {
        build: build.buildVersionArn,
        error,
      });
      undescribed.add(build.image);
      continue;
    }
    const status = image.state?.status;
    if (!status) continue;
    if (build.handledStatuses.includes(status)) {
      await closeOpenBuild(build.image, build.version, status);
      continue;
    }
    listed.push({
      image: build.image,
      buildVersionArn: build.buildVersionArn,
      version: build.version,
      status,
      reason: image.state?.reason,
      createdAt: image.dateCreated ?? '',
    });
  }
  return { listed, undescribed: [...undescribed].sort() };
}

/** What the run asks Image Builder: the builds it lists, and whether that was every pipeline's listing. */
export interface BuildsToReconcile {
  listed: ListedBuild[];
  fullPass: boolean;
  /** Every catalog pipeline was listed (the pipelines' sweep): recorded once the run has acted on each listed build. */
  everyPipeline: boolean;
}

/**
 * What the run asks Image Builder: on the day's pass when the pipelines' listing is due (its last completed listing
 * `monitoring.pipelineListingEvery` or more UTC days ago, or none: the ledger's `SWEEP#pipelines`), every catalog
 * pipeline's builds, a build the ledger never recorded; otherwise the builds the ledger holds open (GetImage each),
 * and on the day's pass also the pipelines of open builds Image Builder no longer describes (their terminal status
 * overdue: no event will bring it), whose listing says what became of them. A listing day whose run failed is made up
 * by the next day's pass, not a period later.
 */
export async function buildsToReconcile(
  images: readonly string[],
  now: Date,
  /** What the run's read of the open-work index found (aws/ledger/open-work.ts), or nothing: a Query of its own. */
  read?: OpenWork,
): Promise<BuildsToReconcile> {
  const fullPass = isFullPass(now);
  const everyDays = parseDuration(bundledCatalog().monitoring.pipelineListingEvery) / 86_400;
  if (fullPass && isSweepDue(now, await lastSweptAt('pipelines'), everyDays)) {
    return { listed: await listCatalogBuilds(images), fullPass, everyPipeline: true };
  }
  const open = await describeOpenBuilds(await openBuilds(read));
  const overdue = fullPass ? open.undescribed.filter((image) => images.includes(image)) : [];
  const described = new Set(open.listed.map((b) => b.buildVersionArn));
  const listedAgain = (await listCatalogBuilds(overdue)).filter((b) => !described.has(b.buildVersionArn));
  return { listed: [...open.listed, ...listedAgain], fullPass, everyPipeline: false };
}

/** Records that every pipeline's listing was acted on at `now` (no build of it left failing): the next is due a period on. */
export async function recordPipelinesListed(now: Date): Promise<void> {
  await recordSweep('pipelines', now.toISOString());
}

/** Every catalog pipeline's builds, attributed to their image. */
async function listCatalogBuilds(images: readonly string[]): Promise<ListedBuild[]> {
  const listed: ListedBuild[] = [];
  for (const image of images) {
    for (const build of await listPipelineBuilds(pipelineArnOf(image))) listed.push({ image, ...build });
  }
  return listed;
}
