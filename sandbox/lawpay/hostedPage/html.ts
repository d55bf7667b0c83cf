/** Plain server-rendered HTML for the hosted payment page; no scripts, so tests can read it as text. */

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}

export function formatDollars(cents: number): string {
  return `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.4rem;box-sizing:border-box}
input[readonly]{background:#eee}.error{color:#a00}.amount{font-size:1.5rem}</style></head>
<body>
${body}
</body>
</html>
`;
}

export interface PaymentFormView {
  merchantName: string;
  accountName: string;
  action: string;
  amountCents: number | null;
  reference: string;
  invoice: string;
  name: string;
  email: string;
  readOnly: { amount: boolean; reference: boolean; invoice: boolean };
  error?: string;
}

function field(
  label: string,
  name: string,
  value: string,
  options: { readOnly?: boolean; required?: boolean; extra?: string } = {},
): string {
  const attributes = [
    `id="${name}"`,
    `name="${name}"`,
    `value="${escapeHtml(value)}"`,
    options.readOnly ? 'readonly' : '',
    options.required ? 'required' : '',
    options.extra ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return `<label for="${name}">${escapeHtml(label)}</label>\n<input ${attributes}>`;
}

export function renderPaymentForm(view: PaymentFormView): string {
  const amountText = view.amountCents === null ? '' : (view.amountCents / 100).toFixed(2);
  const heading =
    view.amountCents === null
      ? '<p>Enter the amount you want to pay.</p>'
      : `<p class="amount">Amount due: <strong id="amount-display">${formatDollars(view.amountCents)}</strong></p>`;
  const button = view.amountCents === null ? 'Pay' : `Pay ${formatDollars(view.amountCents)}`;
  return layout(
    `Pay ${view.merchantName}`,
    `<h1>${escapeHtml(view.merchantName)}</h1>
<p>Payment to the <strong>${escapeHtml(view.accountName)}</strong> account.</p>
${heading}
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="${escapeHtml(view.action)}">
${field('Amount (USD)', 'amount', amountText, { readOnly: view.readOnly.amount && view.amountCents !== null, required: true, extra: 'inputmode="decimal"' })}
${field('Reference', 'reference', view.reference, { readOnly: view.readOnly.reference })}
${field('Invoice', 'Invoice', view.invoice, { readOnly: view.readOnly.invoice })}
${field('Name on card', 'name', view.name, { required: true })}
${field('Email', 'email', view.email, { extra: 'type="email"' })}
${field('Card number', 'card_number', '', { required: true, extra: 'inputmode="numeric" autocomplete="cc-number"' })}
${field('Expiry month (MM)', 'exp_month', '', { required: true, extra: 'inputmode="numeric"' })}
${field('Expiry year (YYYY)', 'exp_year', '', { required: true, extra: 'inputmode="numeric"' })}
${field('CVV', 'cvv', '', { required: true, extra: 'inputmode="numeric"' })}
<p><button type="submit">${button}</button></p>
</form>`,
  );
}

export function renderConfirmation(view: {
  merchantName: string;
  transactionId: string;
  amountCents: number;
  reference: string | null;
}): string {
  return layout(
    'Payment received',
    `<h1>Payment received</h1>
<p>Thank you. ${escapeHtml(view.merchantName)} has received your payment of <strong>${formatDollars(view.amountCents)}</strong>.</p>
${view.reference ? `<p>Reference: <span id="reference">${escapeHtml(view.reference)}</span></p>` : ''}
<p>Transaction: <code id="transaction-id">${escapeHtml(view.transactionId)}</code></p>`,
  );
}

export function renderNotFound(): string {
  return layout(
    'Page not found',
    '<h1>Payment page not found</h1>\n<p>Check the link you were sent, or contact the firm.</p>',
  );
}
