import type { Client } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { ALL_SEARCH_ATTRIBUTES } from '../../shared/searchAttributes';
import type { Logger } from '../logger';

/**
 * Registers docs/architecture.md §3's search attributes on a server we did not start (self-hosted). The dev server gets them
 * from its command-line flags. Temporal Cloud has no operator API for this: register them in its UI or with tcld,
 * and the warning below says so.
 */
export async function ensureSearchAttributes(client: Client, namespace: string, logger: Logger): Promise<void> {
  const wanted = Object.fromEntries(
    ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
  );
  try {
    const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.fromEntries(
      Object.entries(wanted).filter(([name]) => !(name in (existing.customAttributes ?? {}))),
    );
    if (Object.keys(missing).length === 0) return;
    await client.connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    logger.info({ added: Object.keys(missing) }, 'registered search attributes');
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code === GRPC_ALREADY_EXISTS) return;
    logger.warn(
      { err: (err as Error).message, wanted: Object.keys(wanted) },
      'could not register search attributes; register them on the Temporal server (see README) or filters in the UI will not work',
    );
  }
}

const GRPC_ALREADY_EXISTS = 6;
