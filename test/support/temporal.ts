import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../worker/codec/aesGcmCodec';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { ALL_SEARCH_ATTRIBUTES } from '../../shared/searchAttributes';
import { ensureTool } from '../../worker/engine/tools';

/** The run's shared dev server (full features: updates, schedules, search attributes). */
export async function devServerEnvironment(): Promise<TestWorkflowEnvironment> {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('TEST_TEMPORAL_ADDRESS is unset: run the tests through jest (test/support/global-setup.ts)');
  return TestWorkflowEnvironment.createFromExistingServer({ address, namespace: 'default' });
}

/** Temporal's Java time-skipping server from the tools cache: day-long timers pass in milliseconds. One per file. */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: ensureTool('temporal-test-server') } },
  });
  // The Java test server refuses unregistered search attributes, as a real server does; it implements the
  // operator's add call (not its list call), so register ours the way `npm start` does for a real server.
  await env.client.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
    ),
  });
  return env;
}

/**
 * The production worker's workflow interceptor module that gives activities their heartbeat timeouts. Dev-server
 * workers register it, as production does; time-skipping workers must not (the Java server would fire the timeouts
 * at once while it skips days).
 */
export const HEARTBEAT_TIMEOUTS_MODULE = require.resolve('../../workflows/heartbeatTimeouts');

export async function bundle(
  workflowsPath: string,
  workflowInterceptorModules: string[] = [],
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules,
    // As the production bundle (bin/bundle-workflows.js): a workflow's failures keep their words encrypted.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    // As the production bundle: the workflows' modules are loaded once and shared by every workflow.
    preloadModules: [workflowsPath, ...workflowInterceptorModules],
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
}

export const uniqueTaskQueue = (prefix: string) => `${prefix}-${randomUUID()}`;
