/**
 * A connection URL without its password, for errors and the start banner. The password is everything between the
 * user's `:` and the last `@`: a generated password may hold `@` or `/` unencoded, which PostgreSQL accepts, so
 * neither ends it.
 */
export function redactPassword(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(.*)@([^@]*)$/i.exec(url);
  if (!match) return url;
  const [, scheme, userInfo, rest] = match;
  const colon = userInfo!.indexOf(':');
  return colon < 0 ? url : `${scheme}${userInfo!.slice(0, colon)}:***@${rest}`;
}
