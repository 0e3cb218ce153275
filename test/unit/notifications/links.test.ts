import { describe, expect, it } from 'vitest';
import { buildLinks, executionLink } from '../../../core/notifications/links.js';

describe('buildLinks', () => {
  it("links a build's Image Builder page and its log stream, with the log group written as the console reads it", () => {
    const arn = 'arn:aws:imagebuilder:eu-west-1:111122223333:image/goldsmith-base/1.2.3/4';

    expect(buildLinks(arn)).toEqual([
      {
        label: 'Image Builder',
        url: `https://eu-west-1.console.aws.amazon.com/imagebuilder/home?region=eu-west-1#/images/${encodeURIComponent(arn)}`,
      },
      {
        label: 'Build log',
        url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fimagebuilder$252Fgoldsmith-base/log-events/1.2.3$252F4',
      },
    ]);
  });

  it('gives no links without an ARN, or for an ARN that is not a build version', () => {
    expect(buildLinks(undefined)).toEqual([]);
    expect(buildLinks('')).toEqual([]);
    expect(buildLinks('arn:aws:imagebuilder:eu-west-1:111122223333:image/goldsmith-base/1.2.3')).toEqual([]);
  });
});

describe('executionLink', () => {
  it("links a promotion execution's Step Functions page in its Region", () => {
    const arn = 'arn:aws:states:eu-west-1:111122223333:execution:promotion:base-1-2-3-4';

    expect(executionLink(arn)).toEqual({
      label: 'Promotion',
      url: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${encodeURIComponent(arn)}`,
    });
  });

  it('gives no link for what is not an ARN with a Region', () => {
    expect(executionLink('execution:promotion:x:y')).toBeUndefined();
    expect(executionLink('arn:aws:iam::111122223333:role/x')).toBeUndefined();
  });
});
