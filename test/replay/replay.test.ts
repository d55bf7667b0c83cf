import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HEARTBEAT_TIMEOUTS_MODULE } from '../support/temporal';

/**
 * Replays every recorded history (test/histories, made by `npm run record-histories`) against today's workflow
 * code. A change that would break running workflows (a reordered activity, a new timer without `patched`) fails
 * here instead of in production.
 */
const dir = path.join(__dirname, '..', 'histories');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('replay of recorded workflow histories', () => {
  it('has recorded histories of both billing workflows', () => {
    expect(files.some((f) => f.startsWith('matterBilling-'))).toBe(true);
    expect(files.some((f) => f.startsWith('invoice-'))).toBe(true);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    await Worker.runReplayHistory(
      { workflowsPath: require.resolve('../../workflows'), replayName: file },
      history,
      file.replace(/\.json$/, ''),
    );
  });

  // Recorded before activities had heartbeat timeouts: the production worker's interceptor that sets them must not
  // change what replay compares, or every workflow running at the upgrade would fail its next task.
  it.each(files)('%s replays deterministically with the heartbeat timeouts of production', async (file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    await Worker.runReplayHistory(
      {
        workflowsPath: require.resolve('../../workflows'),
        interceptors: { workflowModules: [HEARTBEAT_TIMEOUTS_MODULE] },
        replayName: file,
      },
      history,
      file.replace(/\.json$/, ''),
    );
  });
});
