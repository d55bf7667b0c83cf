import { SandboxHttpError } from '../common/httpError';

export interface GatewayMessage {
  code: string;
  level: 'error';
  message: string;
  context?: string;
  entity_id?: string;
}

/** The gateway's only error shape: `{"messages":[{code, level, message, ...}]}`. */
export function lawPayErrorBody(
  code: string,
  message: string,
  extra: Partial<GatewayMessage> = {},
): { messages: GatewayMessage[] } {
  return { messages: [{ code, level: 'error', message, ...extra }] };
}

export function lawPayError(
  statusCode: number,
  code: string,
  message: string,
  extra: Partial<GatewayMessage> = {},
  headers: Record<string, string> = {},
): SandboxHttpError {
  return new SandboxHttpError(statusCode, lawPayErrorBody(code, message, extra), headers);
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  422: 'invalid_request',
  429: 'rate_limited',
  500: 'server_error',
  503: 'service_unavailable',
};

export function lawPayErrorForStatus(statusCode: number, message: string): { messages: GatewayMessage[] } {
  return lawPayErrorBody(CODE_BY_STATUS[statusCode] ?? 'error', message);
}
