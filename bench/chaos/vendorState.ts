/** The vendors' own record of what happened, read from their control surfaces: the truth the invariants use. */

export interface LawPayTransaction {
  id: string;
  type: string;
  status: string;
  account_id: string;
  amount: number;
  reference: string | null;
  charge_id?: string;
  amount_refunded: number;
}

export interface ClioNote {
  id: number;
  matter_id: number | null;
  subject: string;
  detail: string | null;
}

export interface ClioTrustLine {
  matter?: { id: number } | null;
  matter_id?: number;
  amount_cents?: number;
  funds_out?: number;
}

export async function controlCall<T>(
  baseUrl: string,
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function lawPayState(url: string): Promise<{
  transactions: LawPayTransaction[];
  merchant: { accounts?: Array<{ id: string; trust_account: boolean }> };
}> {
  return controlCall(url, '/__sandbox/state');
}

export async function clioState(url: string): Promise<{
  notes: ClioNote[];
  matters: Array<{ id: number; display_number: string; status?: string; trust_balance_cents: number }>;
}> {
  return controlCall(url, '/__sandbox/state');
}

/** What a transaction does to the money owed, as the processor records it: a completed charge pays, a refund takes back. */
export function processorEffectCents(txn: LawPayTransaction): number {
  if (txn.status !== 'COMPLETED') return 0;
  if (txn.type === 'REFUND') return -txn.amount;
  if (txn.type === 'CHARGE' || txn.type === 'SALE' || txn.type === 'AUTHORIZATION') return txn.amount;
  return 0;
}
