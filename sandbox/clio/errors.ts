import { SandboxHttpError } from '../common/httpError';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Gone',
  412: 'PreconditionFailed',
  422: 'UnprocessableEntity',
  429: 'RateLimited',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/** Clio's error envelope: `{"error":{"type":"...","message":"..."}}`. */
export function clioErrorBody(statusCode: number, message: string): { error: { type: string; message: string } } {
  return { error: { type: TYPE_BY_STATUS[statusCode] ?? 'Error', message } };
}

export function clioError(statusCode: number, message: string, headers: Record<string, string> = {}): SandboxHttpError {
  return new SandboxHttpError(statusCode, clioErrorBody(statusCode, message), headers);
}

/** OAuth errors use the RFC 6749 shape, including the 401 for an expired or unknown access token. */
export function invalidTokenError(): SandboxHttpError {
  return new SandboxHttpError(
    401,
    { error: 'invalid_token', error_description: 'The access token is expired, revoked, malformed or invalid' },
    { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  );
}

export function oauthError(statusCode: number, error: string, description: string): SandboxHttpError {
  return new SandboxHttpError(statusCode, { error, error_description: description });
}
