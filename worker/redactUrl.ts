/**
 * A connection URL without its password, for errors and the start banner. The password is everything between the
 * user's `:` and the last `@` before the query: a generated password may hold `@` or `/` unencoded, which
 * PostgreSQL accepts, so neither ends it. A `password=` in the query (libpq's form) is hidden too.
 */
export function redactPassword(url: string): string {
  const query = url.indexOf('?');
  const base = query < 0 ? url : url.slice(0, query);
  const params = query < 0 ? '' : url.slice(query).replace(/([?&]password=)[^&]*/gi, '$1***');
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(.*)@([^@]*)$/i.exec(base);
  if (!match) return base + params;
  const [, scheme, userInfo, rest] = match;
  const colon = userInfo!.indexOf(':');
  return colon < 0 ? base + params : `${scheme}${userInfo!.slice(0, colon)}:***@${rest}${params}`;
}
