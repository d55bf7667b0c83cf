import type { OAuthAppCredentials, PracticeAuthorization } from '../ports';
import { fetchClioIdentity } from './identity';
import { clioAuthorizeUrl, exchangeClioCode } from './oauth';

/** Clio's authorization-code grant behind the port: its authorize and token endpoints, and `who_am_i`. */
export function createClioAuthorization(app: OAuthAppCredentials): PracticeAuthorization {
  return {
    baseUrl: app.baseUrl,
    authorizeUrl: (redirectUri, state) => clioAuthorizeUrl(app, redirectUri, state),
    exchangeCode: (code, redirectUri) => exchangeClioCode(app, code, redirectUri),
    connectedAccount: (accessToken) => fetchClioIdentity(app.baseUrl, accessToken),
  };
}
