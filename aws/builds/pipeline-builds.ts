import { paginateListImagePipelineImages } from '@aws-sdk/client-imagebuilder';
import { imagebuilderClient } from '../clients/imagebuilder.js';

/** A build of a pipeline, as ListImagePipelineImages summarizes it. */
export interface PipelineBuild {
  buildVersionArn: string;
  /** `1.0.0/3`. */
  version: string;
  status: string;
  reason?: string | undefined;
  /** ISO time Image Builder created the build. */
  createdAt: string;
}

const BUILD_VERSION = /:image\/[^/]+\/(\d+\.\d+\.\d+\/\d+)$/;

/**
 * Every build a pipeline lists (all pages). ListImagePipelineImages filters only by name and version, so the
 * caller narrows by time. Summaries without a build version ARN or a status are left out: nothing can be done
 * with them.
 */
export async function listPipelineBuilds(imagePipelineArn: string): Promise<PipelineBuild[]> {
  const region = imagePipelineArn.split(':')[3];
  const builds: PipelineBuild[] = [];
  const pages = paginateListImagePipelineImages({ client: imagebuilderClient(region) }, { imagePipelineArn });
  for await (const page of pages) {
    for (const summary of page.imageSummaryList ?? []) {
      const version = summary.arn ? BUILD_VERSION.exec(summary.arn)?.[1] : undefined;
      const status = summary.state?.status;
      if (!summary.arn || !version || !status) continue;
      builds.push({
        buildVersionArn: summary.arn,
        version,
        status,
        reason: summary.state?.reason,
        createdAt: summary.dateCreated ?? '',
      });
    }
  }
  return builds;
}
