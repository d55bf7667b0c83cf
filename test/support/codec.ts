import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataConverterFor } from '../../worker/codec';

/**
 * One secret key shared by a test's workers, its client and the `matterpay` processes it spawns (through
 * MATTERPAY_SECRET_KEYS), so payloads cross process boundaries encrypted, as in production.
 */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
export const testDataConverter = dataConverterFor([Buffer.from(TEST_SECRET_KEY, 'base64')]);

export function encryptingClient(env: TestWorkflowEnvironment): Client {
  return new Client({ connection: env.connection, namespace: 'default', dataConverter: testDataConverter });
}
