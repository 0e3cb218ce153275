import 'aws-sdk-client-mock-vitest/extend';

// Tests never reach AWS: fake credentials and a region, so a forgotten mock fails fast instead of hanging.
// (The whole suite's setup, test/setup.ts, adds the API-model check; mutation testing runs with this part alone.)
process.env.AWS_ACCESS_KEY_ID ??= 'AKIATESTTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret';
process.env.AWS_REGION ??= 'us-east-1';
process.env.POWERTOOLS_DEV ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.AWS_XRAY_MANUAL_MODE ??= '1';
// What the stacks set on the functions that load builds: the factory's pipelines (the fixtures' account and Region).
process.env.PIPELINE_ARN_PREFIX ??= 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/goldsmith-';
