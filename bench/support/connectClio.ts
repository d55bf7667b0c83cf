import type pg from 'pg';
import { mintConnectLink } from '../../worker/clio/connect';

/** The firm connects the Clio-style sandbox as an admin would: `matterpay connect clio`'s link, its redirects followed. */
export async function connectClioAsAdmin(db: pg.Pool, ingressUrl: string, firmId: string): Promise<void> {
  let url = (await mintConnectLink(db, ingressUrl, firmId, { replace: true })).url;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url).toString();
      continue;
    }
    if (!response.ok) throw new Error(`connecting Clio: ${url} answered ${response.status}`);
    return;
  }
  throw new Error('connecting Clio: too many redirects');
}
