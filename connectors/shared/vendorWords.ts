/**
 * A vendor's own words, fit for an error that reaches Temporal's history (failure messages are not encrypted), the
 * worker's log and an alert: the credentials a vendor quotes back (Stripe's "Invalid API Key provided: sk_live_***1234",
 * even masked, says which key and of which mode) are cut out, whatever the vendor.
 */
const QUOTED_CREDENTIALS = [
  /\b(sk|rk|pk)_(live|test)_[A-Za-z0-9*]+/g,
  /\bwhsec_[A-Za-z0-9*]+/g,
  // A token, not the word "Basic" in "Basic authentication failed": case as sent, and long.
  /\b(Bearer|Basic) [A-Za-z0-9._~+/=*-]{20,}/g,
];

export function withoutQuotedCredentials(text: string): string {
  return QUOTED_CREDENTIALS.reduce((out, pattern) => out.replace(pattern, '[a key, not shown]'), text);
}
