import { z } from 'zod';
import type {
  ApprovedEntry,
  Matter,
  MatterNote,
  MatterSummary,
  Page,
  PracticeManagement,
  PracticeWebhookOutcome,
  SubscriptionUpkeep,
  TrustLedgerEntry,
  WebhookHeaders,
  WebhookSubscriptionStore,
} from '../ports';
import { VendorRejectedError } from '../errors';
import { answerClioHandshake, claimedClioWebhookId, translateClioDelivery } from './deliveries';
import { maintainClioWebhooks } from './subscriptions';
import { BILLING_DAY_FIELD_NAME, FLAT_FEE_FIELD_NAME, REVIEW_FLAG_FIELD_NAME } from './constants';
import type { ClioHttp } from './http';
import {
  activityFields,
  activitySchema,
  bankAccountSchema,
  bankTransactionFields,
  bankTransactionSchema,
  customFieldSchema,
  list,
  matterFields,
  matterSchema,
  matterSummaryFields,
  matterSummarySchema,
  noteSchema,
  single,
  type ClioMatter,
} from './schemas';

const toCents = (dollars: number) => Math.round(dollars * 100);
const statusOf = (status: ClioMatter['status']) => status.toLowerCase() as Matter['status'];

/** How matterpay marks its own notes, so a retried write can find the note an earlier attempt already made. */
export const noteMarker = (idempotencyKey: string) => `[matterpay ${idempotencyKey}]`;

/**
 * PracticeManagement over the Clio Manage v4 API. Reading one matter with its client email, trust balance and
 * billing terms is one call; its approved time is one more (per 200 entries).
 */
export class ClioPracticeManagement implements PracticeManagement {
  private reviewFieldId: Promise<string> | null = null;
  private trustAccountIds: Promise<string[]> | null = null;

  readonly name = 'clio';

  constructor(
    private readonly http: ClioHttp,
    private readonly subscriptions?: WebhookSubscriptionStore,
  ) {}

  answerHandshake(headers: WebhookHeaders) {
    return answerClioHandshake(headers);
  }

  claimedSubscriptionId(rawBody: Buffer): string {
    return claimedClioWebhookId(rawBody);
  }

  parseWebhook(rawBody: Buffer, headers: WebhookHeaders): Promise<PracticeWebhookOutcome> {
    return translateClioDelivery(rawBody, headers, this.subscriptions, (id) => this.getMatter(id));
  }

  async maintainWebhookSubscriptions(ingressBaseUrl: string): Promise<SubscriptionUpkeep[]> {
    if (!this.subscriptions) throw new Error('this Clio connector was built without a subscription store');
    return maintainClioWebhooks(this.http, this.subscriptions, ingressBaseUrl);
  }

  async getMatter(matterId: string): Promise<Matter> {
    const { data } = await this.http.request('GET', `/matters/${encodeURIComponent(matterId)}.json`, {
      query: { fields: matterFields },
      schema: single(matterSchema),
    });
    return toMatter(data);
  }

  async listMatters(
    cursor: string | null,
    options: { updatedSince?: string; pageSize?: number } = {},
  ): Promise<Page<MatterSummary>> {
    const page = await this.http.request('GET', cursor ?? '/matters.json', {
      query: cursor
        ? undefined
        : {
            fields: matterSummaryFields,
            order: 'id(asc)',
            limit: options.pageSize ?? 200,
            updated_since: options.updatedSince,
          },
      schema: list(matterSummarySchema),
    });
    return {
      items: page.data.map((m) => ({
        id: m.id,
        displayNumber: m.display_number,
        status: statusOf(m.status),
        clientReference: m.client_reference ?? null,
        billingMethod: m.billing_method,
        billingDay: billingDayOf(m.custom_field_values),
      })),
      nextCursor: page.meta?.paging?.next ?? null,
    };
  }

  async listMatterDetails(cursor: string | null, options: { pageSize?: number } = {}): Promise<Page<Matter>> {
    const page = await this.http.request('GET', cursor ?? '/matters.json', {
      query: cursor ? undefined : { fields: matterFields, order: 'id(asc)', limit: options.pageSize ?? 200 },
      schema: list(matterSchema),
    });
    return { items: page.data.map(toMatter), nextCursor: page.meta?.paging?.next ?? null };
  }

  /**
   * Clio has no approval field on activities (docs/vendors.md §1.5). An entry counts as approved when Clio lists it as
   * `status=unbilled` (submitted, billable, not on any bill: Clio's `draft` entries are excluded by that filter)
   * and it is a TimeEntry, chargeable (`non_billable` and `no_charge` false), not `billed` or `on_bill`, with a
   * positive total. The matter must be open: the caller checks that on the matter it already read.
   */
  async listApprovedEntries(matterId: string): Promise<ApprovedEntry[]> {
    const entries: ApprovedEntry[] = [];
    let next: string | null = '/activities.json';
    let first = true;
    while (next) {
      const page: { data: Array<z.output<typeof activitySchema>>; meta?: { paging?: { next?: string } } } =
        await this.http.request('GET', next, {
          query: first
            ? {
                matter_id: matterId,
                type: 'TimeEntry',
                status: 'unbilled',
                fields: activityFields,
                order: 'id(asc)',
                limit: 200,
              }
            : undefined,
          schema: list(activitySchema),
        });
      first = false;
      for (const a of page.data) {
        if (a.type !== 'TimeEntry' || a.non_billable || a.no_charge || a.billed || a.on_bill || a.total <= 0) continue;
        entries.push({
          id: a.id,
          matterId: a.matter?.id ?? matterId,
          date: a.date,
          seconds: Math.round(a.quantity ?? 0),
          rateCents: toCents(a.price),
          totalCents: toCents(a.total),
          note: a.note ?? '',
          updatedAt: a.updated_at,
        });
      }
      next = page.meta?.paging?.next ?? null;
    }
    return entries;
  }

  async getTrustBalance(matterId: string): Promise<number> {
    return (await this.getMatter(matterId)).trustBalanceCents;
  }

  /**
   * Clio's `bank_transactions` on the firm's trust accounts (which accounts are trust is read once per process).
   * One call per 200 lines: a draw decision reads one matter's ledger, the report reads them all.
   */
  async listTrustLedger(options: { matterId?: string } = {}): Promise<TrustLedgerEntry[]> {
    const entries: TrustLedgerEntry[] = [];
    for (const accountId of await this.trustAccounts()) {
      let next: string | null = '/bank_transactions.json';
      let first = true;
      while (next) {
        const page: { data: Array<z.output<typeof bankTransactionSchema>>; meta?: { paging?: { next?: string } } } =
          await this.http.request('GET', next, {
            query: first
              ? {
                  bank_account_id: accountId,
                  matter_id: options.matterId,
                  fields: bankTransactionFields,
                  order: 'id(asc)',
                  limit: 200,
                }
              : undefined,
            schema: list(bankTransactionSchema),
          });
        first = false;
        for (const t of page.data) {
          entries.push({
            id: t.id,
            matterId: t.matter?.id ?? null,
            matterDisplayNumber: t.matter?.display_number ?? null,
            date: t.date,
            depositCents: toCents(t.funds_in ?? 0),
            withdrawalCents: toCents(t.funds_out ?? 0),
            description: t.description ?? '',
            enteredAt: t.created_at ?? null,
          });
        }
        next = page.meta?.paging?.next ?? null;
      }
    }
    return entries;
  }

  private trustAccounts(): Promise<string[]> {
    this.trustAccountIds ??= this.http
      .request('GET', '/bank_accounts.json', {
        query: { fields: 'id,type', limit: 200 },
        schema: list(bankAccountSchema),
      })
      .then((accounts) => accounts.data.filter((a) => a.type === 'Trust').map((a) => a.id))
      .catch((err: unknown) => {
        this.trustAccountIds = null;
        throw err;
      });
    return this.trustAccountIds;
  }

  async addMatterNote(
    matterId: string,
    note: MatterNote,
    idempotencyKey: string,
    options: { checkFirst?: boolean; alsoKeys?: string[] } = {},
  ) {
    const markers = [...(options.alsoKeys ?? []), idempotencyKey].map(noteMarker).join('\n');
    if (options.checkFirst) {
      const existing = await this.findNote(matterId, noteMarker(idempotencyKey));
      if (existing) return { noteId: existing, created: false };
    }
    const { data } = await this.http.request('POST', '/notes.json', {
      query: { fields: 'id' },
      body: {
        data: {
          type: 'Matter',
          matter: { id: Number(matterId) },
          subject: note.subject,
          detail: `${note.detail}\n\n${markers}`,
          date: note.date,
        },
      },
      schema: single(noteSchema),
    });
    return { noteId: data.id, created: true };
  }

  /** Notes created in the last day on this matter that carry the marker (a retry comes within minutes). */
  private async findNote(matterId: string, marker: string): Promise<string | null> {
    const since = new Date(Date.now() - 86_400_000).toISOString();
    let next: string | null = '/notes.json';
    let first = true;
    while (next) {
      const page: { data: Array<z.output<typeof noteSchema>>; meta?: { paging?: { next?: string } } } =
        await this.http.request('GET', next, {
          query: first
            ? { matter_id: matterId, created_since: since, fields: 'id,detail', order: 'id(asc)', limit: 200 }
            : undefined,
          schema: list(noteSchema),
        });
      first = false;
      const found = page.data.find((n) => n.detail?.includes(marker));
      if (found) return found.id;
      next = page.meta?.paging?.next ?? null;
    }
    return null;
  }

  async setMatterReference(matterId: string, reference: string): Promise<void> {
    await this.http.request('PATCH', `/matters/${encodeURIComponent(matterId)}.json`, {
      query: { fields: 'id' },
      body: { data: { client_reference: reference } },
      schema: single(z.object({ id: z.unknown() })),
    });
  }

  /** The review flag is a checkbox custom field on the matter, created once if the firm does not have it yet. */
  async flagForReview(matterId: string, flagged: boolean): Promise<void> {
    const fieldId = await this.reviewField();
    const { data } = await this.http.request('GET', `/matters/${encodeURIComponent(matterId)}.json`, {
      query: { fields: 'id,custom_field_values{id,field_name,value}' },
      schema: single(matterSchema.pick({ id: true, custom_field_values: true })),
    });
    const existing = data.custom_field_values.find((v) => v.field_name === REVIEW_FLAG_FIELD_NAME);
    if (existing && Boolean(existing.value) === flagged) return;
    await this.http.request('PATCH', `/matters/${encodeURIComponent(matterId)}.json`, {
      query: { fields: 'id' },
      body: {
        data: {
          custom_field_values: [
            existing ? { id: existing.id, value: flagged } : { custom_field: { id: Number(fieldId) }, value: flagged },
          ],
        },
      },
      schema: single(z.object({ id: z.unknown() })),
    });
  }

  /** The review field's id: looked up (or made) once per process, however many flags ask for it at once. */
  private reviewField(): Promise<string> {
    this.reviewFieldId ??= this.findOrMakeReviewField().catch((err: unknown) => {
      this.reviewFieldId = null;
      throw err;
    });
    return this.reviewFieldId;
  }

  private async findOrMakeReviewField(): Promise<string> {
    const find = async () => {
      const fields = await this.http.request('GET', '/custom_fields.json', {
        query: { fields: 'id,name,parent_type,field_type', parent_type: 'Matter', limit: 200 },
        schema: list(customFieldSchema),
      });
      return fields.data.find((f) => f.name === REVIEW_FLAG_FIELD_NAME && f.parent_type === 'Matter')?.id ?? null;
    };
    const found = await find();
    if (found) return found;
    try {
      const created = await this.http.request('POST', '/custom_fields.json', {
        query: { fields: 'id,name,parent_type,field_type' },
        body: { data: { name: REVIEW_FLAG_FIELD_NAME, parent_type: 'Matter', field_type: 'checkbox' } },
        schema: single(customFieldSchema),
      });
      return created.data.id;
    } catch (err) {
      // Another worker made it between our look and our write: Clio refuses a second field of that name (422).
      const madeMeanwhile = err instanceof VendorRejectedError && err.status === 422 ? await find() : null;
      if (madeMeanwhile) return madeMeanwhile;
      throw err;
    }
  }
}

function toMatter(m: ClioMatter): Matter {
  const custom = (name: string) => m.custom_field_values.find((v) => v.field_name === name)?.value ?? null;
  const flatFee = custom(FLAT_FEE_FIELD_NAME);
  return {
    id: m.id,
    displayNumber: m.display_number,
    description: m.description ?? '',
    status: statusOf(m.status),
    billingMethod: m.billing_method,
    client: { id: m.client.id, name: m.client.name, email: m.client.primary_email_address || null },
    trustBalanceCents: m.account_balances
      .filter((b) => b.type === 'Trust')
      .reduce((sum, b) => sum + toCents(b.balance), 0),
    flatFeeCents: flatFee === null || flatFee === '' ? null : toCents(Number(flatFee)),
    billingDay: billingDayOf(m.custom_field_values),
    clientReference: m.client_reference ?? null,
    updatedAt: m.updated_at,
  };
}

/** The "Billing day" custom field as a day of the month (1–31), or null when unset or not a day. */
function billingDayOf(values: ClioMatter['custom_field_values']): number | null {
  const raw = values.find((v) => v.field_name === BILLING_DAY_FIELD_NAME)?.value ?? null;
  const day = raw === null || raw === '' ? null : Number(raw);
  return day !== null && Number.isInteger(day) && day >= 1 && day <= 31 ? day : null;
}
