import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { isUniqueViolation } from '../../store/db';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { bundle, devServerEnvironment, uniqueTaskQueue } from '../support/temporal';
import { recordOnce } from '../fixtures/foundation-workflows';

describe('a workflow end to end on the dev server, with the store', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  beforeAll(async () => {
    env = await devServerEnvironment();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    await env?.teardown();
  });

  it('runs workflow and activities, records the event once, and is findable by its search attribute', async () => {
    const taskQueue = uniqueTaskQueue('dev-server');
    const firmId = `firm-${taskQueue.slice(-8)}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundle(require.resolve('../fixtures/foundation-workflows')),
      activities: {
        async recordEvent(firm: string, eventId: string) {
          try {
            await database.db.query(
              `INSERT INTO processed_events (firm_id, source, event_id, event_type) VALUES ($1, 'sweep', $2, 'test')`,
              [firm, eventId],
            );
            return 'recorded';
          } catch (err) {
            if (isUniqueViolation(err)) return 'already recorded';
            throw err;
          }
        },
      },
    });
    const workflowId = `record/${firmId}/evt-1`;
    const result = await worker.runUntil(
      env.client.workflow.execute(recordOnce, { taskQueue, workflowId, args: [firmId, 'evt-1'] }),
    );

    expect(result).toEqual(['recorded', 'already recorded', workflowId]);
    const rows = await database.db.query('SELECT event_id FROM processed_events WHERE firm_id = $1', [firmId]);
    expect(rows.rows).toEqual([{ event_id: 'evt-1' }]);

    // The search attributes registered by the harness let an admin filter by firm, as in the Web UI's filter box.
    let found: string[] = [];
    for (let attempt = 0; attempt < 50 && found.length === 0; attempt++) {
      found = [];
      for await (const wf of env.client.workflow.list({ query: `FirmId = '${firmId}'` })) found.push(wf.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([workflowId]);
  });
});
