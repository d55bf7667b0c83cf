import { z } from 'zod';
import { VendorRejectedError } from '../errors';
import type { ConnectedAccount } from '../ports';
import { HeaderDrivenRateLimiter } from '../shared/rateLimiter';
import { CLIO_DEFAULT_RATE_LIMIT_PER_MINUTE } from './constants';
import { ClioHttp } from './http';

/** Who approved a grant: the Clio user `who_am_i` names for its access token. */
export type ClioIdentity = ConnectedAccount;

const whoAmISchema = z.object({ data: z.object({ id: z.number().int(), name: z.string() }) });

/** `GET /users/who_am_i` with a token fresh from the code exchange, before anything is stored. */
export async function fetchClioIdentity(baseUrl: string, accessToken: string): Promise<ClioIdentity> {
  const http = new ClioHttp({
    baseUrl,
    tokens: {
      accessToken: async () => accessToken,
      refresh: async () => {
        throw new VendorRejectedError('Clio', 'a token fresh from the code exchange was refused', 401);
      },
    },
    limiter: new HeaderDrivenRateLimiter(CLIO_DEFAULT_RATE_LIMIT_PER_MINUTE, Date.now, { vendor: 'Clio' }),
  });
  const { data } = await http.request('GET', '/users/who_am_i.json', {
    query: { fields: 'id,name' },
    schema: whoAmISchema,
  });
  return { userId: String(data.id), name: data.name };
}
