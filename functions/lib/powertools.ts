import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

// Created once and shared by every handler (Powertools' own advice): one service name, one namespace.
export const logger = new Logger({ serviceName: 'goldsmith' });
export const metrics = new Metrics({ namespace: 'Goldsmith', serviceName: 'goldsmith' });
export const tracer = new Tracer({ serviceName: 'goldsmith' });
